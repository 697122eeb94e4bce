"""Datasets: where the samples come from (as ``torch.utils.data.dataset``).

A **map-style** dataset (:class:`Dataset`) has ``__getitem__(index)`` and
``__len__()``: sample ``i`` can be fetched in any order, which is what a
sampler needs to shuffle. An **iterable-style** dataset
(:class:`IterableDataset`) only has ``__iter__()``: it is a stream (lines of a
file, samples made on the fly), read in its own order.
"""

import bisect
import itertools
import math
import warnings

from tinytorch.autograd import Variable
from tinytorch.core import default_generator, randperm
from tinytorch.core import int64 as _INT64
from tinytorch.core.tensor import Tensor

__all__ = [
    "ChainDataset",
    "ConcatDataset",
    "Dataset",
    "IterableDataset",
    "Subset",
    "TensorDataset",
    "random_split",
]


class Dataset:
    r"""An abstract class representing a map-style dataset.

    All datasets that represent a map from keys to data samples should
    subclass it. All subclasses should overwrite :meth:`__getitem__`, supporting
    fetching a data sample for a given key. Subclasses could also optionally
    overwrite :meth:`__len__`, which is expected to return the size of the
    dataset by many :class:`~tinytorch.utils.data.Sampler` implementations and
    the default options of :class:`~tinytorch.utils.data.DataLoader`.
    Subclasses could also optionally implement :meth:`__getitems__`, for
    speeding up batched sample loading: it takes a list of indices of the
    samples of a batch and returns the list of samples.

    ``dataset_a + dataset_b`` is a :class:`ConcatDataset` of the two.

    Example::

        >>> class Squares(Dataset):
        ...     def __len__(self):
        ...         return 5
        ...     def __getitem__(self, index):
        ...         return index * index
        >>> Squares()[3]
        9
    """

    def __getitem__(self, index):
        raise NotImplementedError(
            f"{type(self).__name__}: a Dataset subclass must implement __getitem__"
        )

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    r"""An iterable Dataset: a stream of samples.

    All datasets that represent an iterable of data samples should subclass
    it. Such a form of dataset is particularly useful when data come from a
    stream, or when the samples are made on the fly. All subclasses should
    overwrite :meth:`__iter__`, which returns an iterator of samples of this
    dataset. A :class:`~tinytorch.utils.data.DataLoader` reads it in its own
    order and groups ``batch_size`` consecutive samples into a batch; it takes
    no sampler and no ``shuffle``.

    ``stream_a + stream_b`` is a :class:`ChainDataset` of the two.

    Example::

        >>> class Count(IterableDataset):
        ...     def __init__(self, start, end):
        ...         self.start, self.end = start, end
        ...     def __iter__(self):
        ...         return iter(range(self.start, self.end))
        >>> list(Count(3, 7))
        [3, 4, 5, 6]
    """

    def __iter__(self):
        raise NotImplementedError(
            f"{type(self).__name__}: an IterableDataset subclass must implement __iter__"
        )

    def __add__(self, other):
        return ChainDataset([self, other])


def _first_dim(t, i):
    shape = getattr(t, "shape", None)
    if shape is None:
        raise TypeError(
            f"TensorDataset: argument {i} is a {type(t).__name__}, expected a Tensor or Variable"
        )
    if not shape:
        raise ValueError(
            f"TensorDataset: tensor {i} is 0-dimensional; every tensor needs a first "
            "dimension to index the samples along"
        )
    return shape[0]


class TensorDataset(Dataset):
    r"""Dataset wrapping tensors.

    Each sample will be retrieved by indexing tensors along the first
    dimension: sample ``i`` is ``(tensors[0][i], tensors[1][i], ...)``.

    Args:
        *tensors (Tensor): tensors that have the same size of the first
            dimension. Variables are accepted too.

    Raises:
        ValueError: if the first dimensions differ (the message lists them).

    Example::

        >>> import tinytorch.core as tt
        >>> ds = TensorDataset(tt.arange(6).reshape(3, 2), tt.tensor([0, 1, 0]))
        >>> len(ds)
        3
        >>> ds[1]
        (tensor([2, 3]), tensor(1))

    A :class:`~tinytorch.utils.data.DataLoader` with the default collate
    fetches a whole batch of a TensorDataset with one advanced-indexing op per
    tensor (``t[indices]``) instead of indexing each sample and stacking them:
    the same batch, many times faster.
    """

    def __init__(self, *tensors):
        sizes = [_first_dim(t, i) for i, t in enumerate(tensors)]
        if len(set(sizes)) > 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ValueError(
                "TensorDataset: size mismatch between tensors: every tensor must have the "
                f"same size in the first dimension, got sizes {sizes} (shapes {shapes})"
            )
        self.tensors = tuple(tensors)
        self._length = sizes[0] if sizes else 0
        # what a batch is gathered from: the default collate stacks the data of
        # Variables, so the fast path indexes their data too
        self._sources = tuple(t.data if isinstance(t, Variable) else t for t in tensors)

    def __getitem__(self, index):
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self):
        return self._length

    def _fetch_batch(self, indices):
        """``default_collate([self[i] for i in indices])``, one indexing op per tensor.

        ``indices`` is a list of Python ints (as a BatchSampler yields them);
        it becomes one int64 index tensor, shared by all the tensors.
        """
        key = Tensor(indices, (len(indices),), dtype=_INT64)
        return tuple(source[key] for source in self._sources)


class ConcatDataset(Dataset):
    r"""Dataset as a concatenation of multiple datasets.

    This class is useful to assemble different existing datasets: index ``i``
    runs through the first dataset, then the second, and so on.

    Args:
        datasets (sequence): list of map-style datasets to be concatenated.

    Attributes:
        cumulative_sizes (list of int): the running total of the sizes, so
            that ``cumulative_sizes[-1] == len(self)``.

    Raises:
        ValueError: for an empty list of datasets.
        TypeError: for an :class:`IterableDataset` among them (use
            :class:`ChainDataset`).
        IndexError: for an index out of range (PyTorch raises ``ValueError``
            for a too negative one; ``IndexError`` is what the sequence
            protocol, ``for sample in dataset``, needs).
    """

    @staticmethod
    def cumsum(sequence):
        return list(itertools.accumulate(len(d) for d in sequence))

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for i, d in enumerate(self.datasets):
            if isinstance(d, IterableDataset):
                raise TypeError(
                    f"ConcatDataset: dataset {i} is an IterableDataset, which ConcatDataset "
                    "does not support; use ChainDataset"
                )
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        n = self.cumulative_sizes[-1]
        if not -n <= idx < n:
            raise IndexError(
                f"ConcatDataset: index {idx} is out of range for a dataset of {n} samples"
            )
        if idx < 0:
            idx += n
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


class ChainDataset(IterableDataset):
    r"""Dataset for chaining multiple :class:`IterableDataset` s.

    Iterating over it runs through each dataset in turn, one after another.

    Args:
        datasets (iterable of IterableDataset): datasets to be chained together.
    """

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self):
        total = 0
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise TypeError("ChainDataset only supports IterableDataset")
            total += len(d)
        return total


class Subset(Dataset):
    r"""Subset of a dataset at specified indices.

    ``subset[i]`` is ``dataset[indices[i]]``.

    Args:
        dataset (Dataset): the whole Dataset.
        indices (sequence): indices in the whole set selected for the subset
            (an int64 Tensor is turned into a list of ints).

    Raises:
        IndexError: ``subset[i]`` for ``i`` out of range of ``indices``.

    Example::

        >>> Subset(list("abcdef"), [5, 0, 2])[0]
        'f'
    """

    def __init__(self, dataset, indices):
        if isinstance(indices, (Tensor, Variable)):
            indices = indices.tolist()
        self.dataset = dataset
        self.indices = indices

    def _index(self, idx):
        try:
            return self.indices[idx]
        except IndexError:
            raise IndexError(
                f"Subset: index {idx} is out of range for a subset of {len(self.indices)} samples"
            ) from None

    def _indices_of(self, idx):
        """The dataset's indices for the list ``idx`` of subset indices."""
        try:
            return [self.indices[i] for i in idx]
        except IndexError:
            for i in idx:
                self._index(i)  # raises for the first one out of range
            raise

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[self._indices_of(idx)]
        return self.dataset[self._index(idx)]

    def __getitems__(self, indices):
        # the DataLoader calls this (when defined) with the indices of a batch
        indices = self._indices_of(indices)
        getitems = getattr(self.dataset, "__getitems__", None)
        if getitems is not None:
            return getitems(indices)
        return [self.dataset[i] for i in indices]

    def __len__(self):
        return len(self.indices)


def batch_fetcher(dataset):
    """A function ``fetch(indices) -> batch`` equal to ``default_collate([dataset[i] ...])``, or None.

    The DataLoader's fast path: for a :class:`TensorDataset` (and a
    :class:`Subset` of one, at any depth) whose class does not override
    ``__getitem__`` or add ``__getitems__``, a batch is one advanced-indexing
    op per tensor. For any other dataset None: the samples are fetched one by
    one and collated.
    """
    cls = type(dataset)
    if isinstance(dataset, TensorDataset):
        if cls.__getitem__ is TensorDataset.__getitem__ and not hasattr(cls, "__getitems__"):
            return dataset._fetch_batch
        return None
    if (
        isinstance(dataset, Subset)
        and cls.__getitem__ is Subset.__getitem__
        and cls.__getitems__ is Subset.__getitems__
    ):
        inner = batch_fetcher(dataset.dataset)
        if inner is None:
            return None
        return lambda indices: inner(dataset._indices_of(indices))
    return None


def random_split(dataset, lengths, generator=None):
    r"""Randomly split a dataset into non-overlapping new datasets of given lengths.

    If a list of fractions that sum up to 1 is given, the lengths will be
    computed automatically as ``floor(frac * len(dataset))`` for each fraction
    provided. After computing the lengths, if there are any remainders, 1 count
    will be distributed in round-robin fashion to the lengths until there are
    no remainders left.

    Optionally fix the generator for reproducible results, e.g.::

        >>> import tinytorch.core as tt
        >>> train, test = random_split(range(10), [3, 7], generator=tt.Generator().manual_seed(42))
        >>> len(train), len(test)
        (3, 7)
        >>> parts = random_split(range(30), [0.3, 0.3, 0.4], generator=tt.Generator().manual_seed(42))
        >>> [len(p) for p in parts]
        [9, 9, 12]

    Args:
        dataset (Dataset): Dataset to be split.
        lengths (sequence): lengths or fractions of splits to be produced.
        generator (Generator): Generator used for the random permutation
            (default: ``tinytorch.core.default_generator``, which
            ``tt.manual_seed`` seeds).

    Returns:
        list of :class:`Subset`: together they hold every index of the dataset
        exactly once.

    Raises:
        ValueError: a fraction outside [0, 1], or lengths that do not add up to
            the length of the dataset.
    """
    lengths = list(lengths)
    n = len(dataset)
    total = sum(lengths)
    if math.isclose(total, 1) and total <= 1:
        subset_lengths = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"random_split: fraction at index {i} is not between 0 and 1")
            subset_lengths.append(math.floor(n * frac))
        remainder = n - sum(subset_lengths)
        # add 1 to all the lengths in round-robin fashion until the remainder is 0
        for i in range(remainder):
            subset_lengths[i % len(subset_lengths)] += 1
        lengths = subset_lengths
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.",
                    stacklevel=2,
                )
    for i, length in enumerate(lengths):
        if isinstance(length, float) or length < 0:
            raise ValueError(
                f"random_split: lengths must be non-negative ints or fractions summing to 1, "
                f"got {lengths[i]!r} at index {i}"
            )
    if sum(lengths) != n:
        raise ValueError(
            "random_split: sum of input lengths does not equal the length of the input "
            f"dataset! (lengths {lengths} sum to {sum(lengths)}, the dataset has {n} samples)"
        )
    indices = randperm(n, generator=generator or default_generator).tolist()
    return [
        Subset(dataset, indices[offset - length : offset])
        for offset, length in zip(itertools.accumulate(lengths), lengths)
    ]
