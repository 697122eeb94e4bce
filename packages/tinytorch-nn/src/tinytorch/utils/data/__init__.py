"""tinytorch.utils.data: datasets, samplers and the DataLoader, as ``torch.utils.data``.

>>> import tinytorch.core as tt
>>> from tinytorch.utils.data import DataLoader, TensorDataset
>>> X, y = tt.arange(20.0).reshape(10, 2), tt.tensor([0, 1] * 5)
>>> loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=True,
...                     generator=tt.Generator(0))
>>> [tuple(xb.shape) for xb, yb in loader]
[(4, 2), (4, 2), (2, 2)]

Toy datasets for the tutorials (each returns ``(X, y)`` Tensors, as
scikit-learn's ``make_*``) are in :mod:`tinytorch.utils.data.toy`.

``tinytorch`` and ``tinytorch.utils`` are namespace packages (PEP 420): no
distribution ships their ``__init__.py``.
"""

from . import toy
from .dataloader import DataLoader, default_collate, default_convert
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
)

__all__ = [
    "BatchSampler",
    "ChainDataset",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "default_collate",
    "default_convert",
    "random_split",
    "toy",
]
