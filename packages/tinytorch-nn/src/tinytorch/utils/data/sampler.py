"""Samplers: in which order a map-style dataset is read (as ``torch.utils.data.sampler``).

A sampler is an iterable of dataset indices; a :class:`BatchSampler` groups
the indices of another sampler into lists, one list per batch.
"""

from itertools import islice

from tinytorch.core import Generator, default_generator, randperm

__all__ = [
    "BatchSampler",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "SubsetRandomSampler",
]


def batches(iterable, size, drop_last):
    """Lists of ``size`` consecutive items of ``iterable``, the last one shorter unless ``drop_last``."""
    it = iter(iterable)
    while True:
        batch = list(islice(it, size))  # one C-level call per batch
        if len(batch) < size:
            if batch and not drop_last:
                yield batch
            return
        yield batch


def count_batches(n, size, drop_last):
    """How many lists :func:`batches` makes of ``n`` items."""
    return n // size if drop_last else -(-n // size)


def _fresh_generator():
    """A generator seeded from the default one: each epoch differs, ``manual_seed`` repeats them."""
    return Generator(default_generator.randrange(0, 2**63))


class Sampler:
    r"""Base class for all Samplers.

    Every Sampler subclass has to provide an :meth:`__iter__` method, providing
    a way to iterate over indices or lists of indices (batches) of dataset
    elements, and may provide a :meth:`__len__` method that returns the length
    of the returned iterators.

    Args:
        data_source (Dataset): accepted for compatibility with PyTorch, and
            not used.

    Example::

        >>> class EvenFirst(Sampler):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter([*range(0, self.n, 2), *range(1, self.n, 2)])
        ...     def __len__(self):
        ...         return self.n
        >>> list(EvenFirst(5))
        [0, 2, 4, 1, 3]
    """

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError(
            f"{type(self).__name__}: a Sampler subclass must implement __iter__"
        )


class SequentialSampler(Sampler):
    r"""Samples elements sequentially, always in the same order.

    Args:
        data_source (Dataset): dataset to sample from.

    Example::

        >>> list(SequentialSampler(range(4)))
        [0, 1, 2, 3]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    r"""Samples elements randomly.

    If without replacement, then sample from a shuffled dataset: each epoch
    is a permutation (``randperm``) of the indices. If with replacement, then
    the user can specify :attr:`num_samples` to draw.

    Args:
        data_source (Dataset): dataset to sample from.
        replacement (bool): samples are drawn on-demand with replacement if
            ``True``, default ``False``.
        num_samples (int): number of samples to draw, default ``len(dataset)``.
            Without replacement, more than ``len(dataset)`` takes whole
            permutations one after another.
        generator (Generator): generator used in sampling. Each iteration (epoch)
            continues its stream, so successive epochs differ and a generator
            seeded the same way gives the same epochs. With ``None`` a fresh
            generator is seeded from ``tinytorch.core.default_generator`` at
            each epoch (so ``tt.manual_seed`` makes the order repeatable).

    Example::

        >>> import tinytorch.core as tt
        >>> s = RandomSampler(range(5), generator=tt.Generator(0))
        >>> sorted(s)
        [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                f"replacement should be a boolean value, but got replacement={self.replacement}"
            )
        n = self.num_samples
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={n}"
            )

    @property
    def num_samples(self):
        # dataset size might change at runtime
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        generator = self.generator or _fresh_generator()
        if self.replacement:
            draw = generator.randrange
            for _ in range(self.num_samples):
                yield draw(0, n)
            return
        whole, rest = divmod(self.num_samples, n)
        for _ in range(whole):
            yield from randperm(n, generator=generator).tolist()
        if rest:
            yield from randperm(n, generator=generator).tolist()[:rest]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    r"""Samples elements randomly from a given list of indices, without replacement.

    Args:
        indices (sequence): a sequence of indices.
        generator (Generator): generator used in sampling (as
            :class:`RandomSampler`'s).

    Example::

        >>> import tinytorch.core as tt
        >>> sorted(SubsetRandomSampler([10, 20, 30], generator=tt.Generator(1)))
        [10, 20, 30]
    """

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        generator = self.generator or _fresh_generator()
        indices = self.indices
        for i in randperm(len(indices), generator=generator).tolist():
            yield indices[i]

    def __len__(self):
        return len(self.indices)


class BatchSampler(Sampler):
    r"""Wraps another sampler to yield a mini-batch of indices.

    Args:
        sampler (Sampler or Iterable): Base sampler. Can be any iterable object.
        batch_size (int): Size of mini-batch.
        drop_last (bool): If ``True``, the sampler will drop the last batch if
            its size would be less than ``batch_size``.

    Example::

        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=True))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        # Since collections.abc.Iterable does not check for `__getitem__`, which
        # is one way for an object to be an iterable, we don't do an `isinstance`
        # check here.
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"batch_size should be a positive integer value, but got batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        return batches(self.sampler, self.batch_size, self.drop_last)

    def __len__(self):
        # Can only be called if self.sampler has __len__ implemented
        return count_batches(len(self.sampler), self.batch_size, self.drop_last)
