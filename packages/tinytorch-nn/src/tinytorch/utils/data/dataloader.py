"""DataLoader and the default collate function (as ``torch.utils.data.dataloader``).

The DataLoader turns a dataset into batches: a sampler gives the order of
the indices, a batch sampler groups them, the dataset fetches the samples,
and ``collate_fn`` merges a list of samples into one batch. Everything runs
in the calling process (tinyTorch has no worker processes).
"""

import collections.abc
from operator import index as _index

from tinytorch.autograd import Variable
from tinytorch.core import dtypes as _dtypes
from tinytorch.core import stack, tensor
from tinytorch.core.tensor import Tensor

from .dataset import IterableDataset, batch_fetcher
from .sampler import BatchSampler, RandomSampler, SequentialSampler, batches, count_batches

__all__ = ["DataLoader", "default_collate", "default_convert"]

_FLOAT64, _BOOL = _dtypes.float64, _dtypes.bool


def _stack_samples(tensors):
    try:
        return stack(tensors, 0)
    except ValueError as error:
        raise ValueError(
            f"default_collate: the samples of a batch cannot be stacked ({error}); samples of "
            "different shapes need a collate_fn of your own (padding them, say)"
        ) from None


def default_collate(batch):
    r"""Take in a batch of data and put the elements within the batch into a tensor
    with an additional outer dimension - batch size.

    The exact output type can be a :class:`~tinytorch.core.Tensor`, a
    `Sequence` of Tensors, a `Collection` of Tensors, or left unchanged,
    depending on the input type. This is used as the default function for
    collation when `batch_size` or `batch_sampler` is defined in
    :class:`~tinytorch.utils.data.DataLoader`.

    Here is the general input type (based on the type of the element within
    the batch) to output type mapping:

        * :class:`~tinytorch.core.Tensor` -> :class:`~tinytorch.core.Tensor`
          (with an added outer dimension batch size: ``tt.stack(batch)``)
        * :class:`~tinytorch.autograd.Variable` -> :class:`~tinytorch.core.Tensor`
          (their ``.data`` stacked: a batch is data, not part of a graph)
        * `float` -> float64 Tensor
        * `int` -> int64 Tensor
        * `bool` -> bool Tensor
        * `str` -> a list of the strings (PyTorch gives a tuple of them when
          they come from a tuple sample)
        * `Mapping[K, V_i]` -> `Mapping[K, default_collate([V_1, V_2, ...])]`
        * `NamedTuple[V1_i, V2_i, ...]` -> `NamedTuple[default_collate([V1_1, V1_2, ...]),
          default_collate([V2_1, V2_2, ...]), ...]`
        * `Sequence[V1_i, V2_i, ...]` -> `Sequence[default_collate([V1_1, V1_2, ...]),
          default_collate([V2_1, V2_2, ...]), ...]`: a tuple stays a tuple and a
          list a list. (PyTorch turns a batch of plain tuples into a *list*,
          for backward compatibility; here the type is kept. ``x, y = batch``
          works either way.)

    Args:
        batch: a single batch to be collated (a list of samples).

    Raises:
        RuntimeError: the samples are sequences of different lengths.
        ValueError: the tensors of the batch have different shapes.
        TypeError: an element of a type it cannot collate (the message names it).

    Examples:
        >>> import tinytorch.core as tt
        >>> # Example with a batch of `int`s:
        >>> default_collate([0, 1, 2, 3])
        tensor([0, 1, 2, 3])
        >>> # Example with a batch of `str`s:
        >>> default_collate(['a', 'b', 'c'])
        ['a', 'b', 'c']
        >>> # Example with `Map` inside the batch:
        >>> default_collate([{'A': 0, 'B': 1}, {'A': 100, 'B': 100}])
        {'A': tensor([  0, 100]), 'B': tensor([  1, 100])}
        >>> # Example with `Tuple` inside the batch: (x, y) pairs become (xs, ys)
        >>> default_collate([(tt.tensor([1.0, 2.0]), 0), (tt.tensor([3.0, 4.0]), 1)])
        (tensor([[1., 2.],
                [3., 4.]]), tensor([0, 1]))
    """
    elem = batch[0]
    elem_type = type(elem)
    if isinstance(elem, Tensor):
        return _stack_samples(batch)
    if isinstance(elem, Variable):
        return _stack_samples([v.data if isinstance(v, Variable) else v for v in batch])
    if isinstance(elem, bool):
        return tensor(batch, dtype=_BOOL)
    if isinstance(elem, float):
        return tensor(batch, dtype=_FLOAT64)
    if isinstance(elem, int):
        return tensor(batch)  # int64 (float64 if a float hides among them)
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        if elem_type is dict:
            return collated
        try:
            return elem_type(collated)
        except TypeError:
            # the mapping type may not support `__init__(iterable)`
            return collated
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        # check to make sure that the elements in batch have consistent size
        elem_size = len(elem)
        if not all(len(e) == elem_size for e in batch):
            sizes = sorted({len(e) for e in batch})
            raise RuntimeError(
                "each element in list of batch should be of equal size "
                f"(got sequences of lengths {sizes})"
            )
        transposed = list(zip(*batch))
        collated = [default_collate(samples) for samples in transposed]
        if elem_type is tuple:
            return tuple(collated)
        if elem_type is list:
            return collated
        try:
            return elem_type(collated)
        except TypeError:
            # the sequence type may not support `__init__(iterable)` (e.g., `range`)
            return collated
    raise TypeError(
        "default_collate: batch must contain tensors, numbers, strings, dicts or lists; "
        f"found {elem_type}"
    )


def default_convert(data):
    r"""The collate function when automatic batching is off (``batch_size=None``).

    PyTorch's converts NumPy arrays into tensors and leaves everything else
    as it is; with no NumPy here, each sample is returned unchanged.

    Examples:
        >>> default_convert(0)
        0
        >>> default_convert((1.0, 'a'))
        (1.0, 'a')
    """
    return data


class _InfiniteConstantSampler:
    """The sampler of an IterableDataset: ``None`` forever (the stream has the order)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    r"""Data loader combines a dataset and a sampler, and provides an iterable
    over the given dataset.

    The :class:`DataLoader` supports both map-style and iterable-style
    datasets, with automatic batching and customized loading order, all in
    the calling process (no worker processes).

    Args:
        dataset (Dataset): dataset from which to load the data.
        batch_size (int, optional): how many samples per batch to load
            (default: ``1``). ``None`` turns automatic batching off: each
            sample is passed through ``collate_fn`` (default
            :func:`default_convert`) on its own.
        shuffle (bool, optional): set to ``True`` to have the data reshuffled
            at every epoch (default: ``False``).
        sampler (Sampler or Iterable, optional): defines the strategy to draw
            samples from the dataset. Can be any ``Iterable`` with ``__len__``
            implemented. If specified, :attr:`shuffle` must not be specified.
        batch_sampler (Sampler or Iterable, optional): like :attr:`sampler`, but
            returns a batch of indices at a time. Mutually exclusive with
            :attr:`batch_size`, :attr:`shuffle`, :attr:`sampler`,
            and :attr:`drop_last`.
        num_workers (int, optional): must be ``0`` (the default): data is loaded
            in the main process. Accepted so that PyTorch code reads the same.
        collate_fn (Callable, optional): merges a list of samples to form a
            mini-batch of Tensor(s) (default: :func:`default_collate`).
        pin_memory (bool, optional): accepted for compatibility and ignored
            (tinyTorch has no devices).
        drop_last (bool, optional): set to ``True`` to drop the last incomplete
            batch, if the dataset size is not divisible by the batch size. If
            ``False`` and the size of dataset is not divisible by the batch
            size, then the last batch will be smaller. (default: ``False``)
        generator (Generator, optional): the :class:`~tinytorch.core.Generator`
            the :class:`RandomSampler` made for ``shuffle=True`` draws its
            permutations from: seeded the same way, it gives the same order of
            epochs; successive epochs differ. Without it, each epoch's order is
            drawn from ``tinytorch.core.default_generator`` (``tt.manual_seed``).
            Keyword-only here.

    Raises:
        ValueError: for the combinations PyTorch refuses: ``sampler`` with
            ``shuffle``; ``batch_sampler`` with ``batch_size``, ``shuffle``,
            ``sampler`` or ``drop_last``; ``batch_size=None`` with
            ``drop_last``; an :class:`IterableDataset` with ``shuffle``,
            ``sampler`` or ``batch_sampler``; a negative ``num_workers``.

    ``len(loader)`` is the number of batches (for an IterableDataset, computed
    from ``len(dataset)`` if it has one).

    Example::

        >>> import tinytorch.core as tt
        >>> from tinytorch.utils.data import TensorDataset
        >>> ds = TensorDataset(tt.arange(10).reshape(5, 2), tt.tensor([0, 1, 0, 1, 1]))
        >>> loader = DataLoader(ds, batch_size=2)
        >>> len(loader)
        3
        >>> for x, y in loader:
        ...     print(x.shape, y.tolist())
        (2, 2) [0, 1]
        (2, 2) [0, 1]
        (1, 2) [1]

    With a :class:`~tinytorch.utils.data.TensorDataset` (or a
    :class:`~tinytorch.utils.data.Subset` of one) and the default
    ``collate_fn``, a batch is fetched with one indexing op per tensor
    (``t[indices]``), giving the same batch as indexing every sample and
    stacking them, many times faster.
    """

    __initialized = False

    def __init__(
        self,
        dataset,
        batch_size=1,
        shuffle=None,
        sampler=None,
        batch_sampler=None,
        num_workers=0,
        collate_fn=None,
        pin_memory=False,
        drop_last=False,
        *,
        generator=None,
    ):
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable "
                "multiprocessing."
            )
        if num_workers > 0:
            raise ValueError(
                f"num_workers={num_workers}: tinyTorch loads data in the main process only; "
                "use num_workers=0"
            )
        self.dataset = dataset
        self.num_workers = num_workers
        self.pin_memory = pin_memory

        iterable = isinstance(dataset, IterableDataset)
        if iterable:
            if shuffle not in {False, None}:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified shuffle option, "
                    f"but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified sampler option, "
                    f"but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler "
                    f"option, but got batch_sampler={batch_sampler}"
                )
        shuffle = bool(shuffle)
        self._iterable = iterable

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")

        if batch_sampler is not None:
            # auto_collation with custom batch_sampler
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, "
                    "sampler, and drop_last"
                )
            batch_size = None
            drop_last = False
        elif batch_size is None:
            # no auto_collation
            if drop_last:
                raise ValueError(
                    "batch_size=None option disables auto-batching and is mutually "
                    "exclusive with drop_last"
                )
        elif isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")

        if sampler is None:  # give default samplers
            if iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)

        if batch_size is not None and batch_sampler is None and not iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator

        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.__initialized = True

    def __setattr__(self, attr, val):
        if self.__initialized and attr in (
            "batch_size",
            "batch_sampler",
            "sampler",
            "drop_last",
            "dataset",
        ):
            raise ValueError(
                f"{attr} attribute should not be set after {type(self).__name__} is initialized"
            )
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    @property
    def _index_sampler(self):
        # The actual sampler used for generating indices: the batch sampler
        # when batching automatically, else the sampler.
        return self.batch_sampler if self.batch_sampler is not None else self.sampler

    def __iter__(self):
        if self._iterable:
            return self._iter_stream()
        return self._iter_map()

    def _iter_map(self):
        dataset, collate = self.dataset, self.collate_fn
        if self.batch_sampler is None:  # no automatic batching: one sample at a time
            for index in self.sampler:
                yield collate(dataset[index])
            return
        fetch = batch_fetcher(dataset) if collate is default_collate else None
        if fetch is not None:  # TensorDataset: one indexing op per tensor per batch
            for indices in self.batch_sampler:
                if type(indices) is not list or not all(type(i) is int for i in indices):
                    indices = list(map(_index, indices))  # 0-d tensors, numpy-like ints
                yield fetch(indices)
            return
        getitems = getattr(dataset, "__getitems__", None)
        for indices in self.batch_sampler:
            yield collate(getitems(indices) if getitems else [dataset[i] for i in indices])

    def _iter_stream(self):
        items = self.dataset
        if self.batch_size is not None:  # else each sample is collated on its own
            items = batches(items, self.batch_size, self.drop_last)
        yield from map(self.collate_fn, items)

    def __len__(self):
        if self._iterable:
            # the stream's own length, in batches; TypeError if it has none
            length = len(self.dataset)
            if self.batch_size is None:
                return length
            return count_batches(length, self.batch_size, self.drop_last)
        return len(self._index_sampler)

    def __repr__(self):
        return (
            f"{type(self).__name__}(dataset={type(self.dataset).__name__}, "
            f"batch_size={self.batch_size}, sampler={type(self.sampler).__name__}, "
            f"drop_last={self.drop_last})"
        )
