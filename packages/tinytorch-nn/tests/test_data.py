"""tinytorch.utils.data: datasets, samplers, DataLoader, default_collate, random_split.

Every expected order, shape and count is worked out by hand (ranges, lists),
never with the code under test.
"""

import collections
import math
from pathlib import Path

import pytest

import tinytorch.core as tt
import tinytorch.utils.data as data_pkg
from tinytorch.autograd import Variable
from tinytorch.core.tensor import Tensor
from tinytorch.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    Sampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    default_convert,
    random_split,
)


def rows(n, width=3):
    """(X, y): X[i] = [i*width, ..., i*width + width-1] (float64), y[i] = i (int64)."""
    X = tt.Tensor([float(v) for v in range(n * width)], (n, width))
    y = tt.Tensor(list(range(n)), (n,), dtype=tt.int64)
    return X, y


def labels_of(loader):
    """The y batches of a loader over ``rows``, as lists of ints."""
    return [yb.tolist() for _, yb in loader]


def flat(batches):
    return [i for batch in batches for i in batch]


def not_default(batch):
    """default_collate under another name: forces the DataLoader's general path."""
    return default_collate(batch)


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i * i


class Stream(IterableDataset):
    def __init__(self, n, with_len=True):
        self.n = n
        self.with_len = with_len

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        if not self.with_len:
            raise TypeError("no len")
        return self.n


# ------------------------------------------------------------------ packaging


def test_namespace_packages_have_no_init():
    data_dir = Path(data_pkg.__file__).parent
    assert (data_dir / "__init__.py").exists()
    assert not (data_dir.parent / "__init__.py").exists()  # tinytorch/utils
    assert not (data_dir.parent.parent / "__init__.py").exists()  # tinytorch


def test_public_names():
    for name in data_pkg.__all__:
        assert hasattr(data_pkg, name), name


# ------------------------------------------------------------------ datasets


def test_dataset_base_needs_getitem():
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Dataset()[0]
    with pytest.raises(NotImplementedError, match="__iter__"):
        iter(IterableDataset())


def test_tensor_dataset_indexing():
    X, y = rows(4)
    ds = TensorDataset(X, y)
    assert len(ds) == 4
    x2, y2 = ds[2]
    assert x2.tolist() == [6.0, 7.0, 8.0]
    assert y2.shape == ()
    assert y2.item() == 2
    assert ds[-1][1].item() == 3
    assert ds.tensors == (X, y)
    with pytest.raises(IndexError):
        ds[4]


def test_tensor_dataset_size_mismatch_names_sizes():
    with pytest.raises(ValueError, match=r"\[3, 2\]") as info:
        TensorDataset(tt.zeros(3, 2), tt.zeros(2))
    assert "(3, 2)" in str(info.value)
    assert "(2,)" in str(info.value)


def test_tensor_dataset_bad_arguments():
    with pytest.raises(ValueError, match="0-dimensional"):
        TensorDataset(tt.tensor(1.0))
    with pytest.raises(TypeError, match="list"):
        TensorDataset([1, 2, 3])


def test_tensor_dataset_of_variables():
    X, y = rows(5)
    ds = TensorDataset(Variable(X), y)
    assert isinstance(ds[0][0], Variable)
    for collate in (None, not_default):
        batches = list(DataLoader(ds, batch_size=2, collate_fn=collate))
        xb, yb = batches[0]
        assert type(xb) is Tensor  # the collate stacks the data of Variables
        assert xb.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
        assert yb.tolist() == [0, 1]


def test_subset():
    sub = Subset(Squares(10), [7, 2, 5])
    assert len(sub) == 3
    assert [sub[i] for i in range(3)] == [49, 4, 25]
    assert sub[-1] == 25
    assert list(sub) == [49, 4, 25]  # the sequence protocol stops at IndexError
    with pytest.raises(IndexError, match="index 3 is out of range for a subset of 3"):
        sub[3]


def test_subset_list_index_and_tensor_indices():
    X, y = rows(6)
    sub = Subset(TensorDataset(X, y), tt.tensor([5, 1, 3]))
    assert sub.indices == [5, 1, 3]
    assert sub[[0, 2]][1].tolist() == [5, 3]
    assert [s[1].item() for s in sub.__getitems__([1, 0])] == [1, 5]


def test_concat_dataset():
    cat = ConcatDataset([Squares(3), Squares(2), Squares(4)])
    assert len(cat) == 9
    assert cat.cumulative_sizes == [3, 5, 9]
    assert [cat[i] for i in range(9)] == [0, 1, 4, 0, 1, 0, 1, 4, 9]
    assert cat[-1] == 9
    assert cat[-9] == 0
    assert list(cat) == [0, 1, 4, 0, 1, 0, 1, 4, 9]
    for bad in (9, 100, -10):
        with pytest.raises(IndexError, match=f"index {bad} is out of range"):
            cat[bad]


def test_concat_dataset_errors_and_add():
    with pytest.raises(ValueError, match="empty"):
        ConcatDataset([])
    with pytest.raises(TypeError, match="IterableDataset"):
        ConcatDataset([Squares(2), Stream(3)])
    both = Squares(2) + Squares(3)
    assert isinstance(both, ConcatDataset)
    assert [both[i] for i in range(5)] == [0, 1, 0, 1, 4]


def test_chain_dataset():
    chain = Stream(2) + Stream(3)
    assert isinstance(chain, ChainDataset)
    assert list(chain) == [0, 1, 0, 1, 2]
    assert len(chain) == 5
    with pytest.raises(TypeError, match="IterableDataset"):
        list(ChainDataset([Squares(2)]))


# ------------------------------------------------------------------ samplers


def test_sampler_base():
    with pytest.raises(NotImplementedError):
        iter(Sampler())


def test_sequential_sampler():
    s = SequentialSampler(range(5))
    assert list(s) == [0, 1, 2, 3, 4]
    assert len(s) == 5


def test_random_sampler_is_a_permutation_and_seeded():
    s = RandomSampler(range(50), generator=tt.Generator(3))
    first, second = list(s), list(s)
    assert sorted(first) == list(range(50))
    assert sorted(second) == list(range(50))
    assert first != second  # the generator's stream goes on
    assert first != list(range(50))
    again = RandomSampler(range(50), generator=tt.Generator(3))
    assert list(again) == first
    assert list(again) == second
    assert len(s) == 50


def test_random_sampler_default_generator_follows_manual_seed():
    tt.manual_seed(11)
    a = list(RandomSampler(range(30)))
    b = list(RandomSampler(range(30)))
    tt.manual_seed(11)
    assert list(RandomSampler(range(30))) == a
    assert a != b


def test_random_sampler_num_samples():
    s = RandomSampler(range(4), num_samples=10, generator=tt.Generator(0))
    drawn = list(s)
    assert len(drawn) == len(s) == 10
    # without replacement: two whole permutations, then 2 of a third
    assert sorted(drawn[:4]) == [0, 1, 2, 3]
    assert sorted(drawn[4:8]) == [0, 1, 2, 3]
    assert len(set(drawn[8:])) == 2
    fewer = list(RandomSampler(range(10), num_samples=3, generator=tt.Generator(0)))
    assert len(fewer) == 3
    assert len(set(fewer)) == 3


def test_random_sampler_with_replacement():
    s = RandomSampler(range(3), replacement=True, num_samples=200, generator=tt.Generator(1))
    drawn = list(s)
    assert len(drawn) == 200
    assert set(drawn) == {0, 1, 2}  # 200 draws of 3 values: each comes up
    assert len(RandomSampler(range(7), replacement=True)) == 7


@pytest.mark.parametrize("num_samples", [0, -1, 2.5, True])
def test_random_sampler_bad_num_samples(num_samples):
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        RandomSampler(range(3), num_samples=num_samples)


def test_random_sampler_bad_replacement():
    with pytest.raises(TypeError, match="replacement should be a boolean"):
        RandomSampler(range(3), replacement=1)


def test_subset_random_sampler():
    s = SubsetRandomSampler([10, 20, 30, 40], generator=tt.Generator(5))
    a, b = list(s), list(s)
    assert sorted(a) == sorted(b) == [10, 20, 30, 40]
    assert len(s) == 4
    assert list(SubsetRandomSampler([10, 20, 30, 40], generator=tt.Generator(5))) == a


def test_batch_sampler():
    assert list(BatchSampler(range(7), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert list(BatchSampler(range(6), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert list(BatchSampler(range(2), 5, False)) == [[0, 1]]
    assert list(BatchSampler(range(2), 5, True)) == []
    assert list(BatchSampler(range(0), 5, False)) == []
    assert list(BatchSampler(SequentialSampler(range(4)), 1, False)) == [[0], [1], [2], [3]]


@pytest.mark.parametrize(
    ("n", "size", "drop_last", "expected"),
    [
        (7, 3, False, 3),
        (7, 3, True, 2),
        (6, 3, False, 2),
        (6, 3, True, 2),
        (2, 5, False, 1),
        (2, 5, True, 0),
        (0, 5, False, 0),
        (10000, 32, False, 313),
        (10000, 32, True, 312),
    ],
)
def test_batch_sampler_len(n, size, drop_last, expected):
    s = BatchSampler(range(n), size, drop_last)
    assert len(s) == expected
    assert len(list(s)) == expected


@pytest.mark.parametrize("size", [0, -2, 1.5, True, None])
def test_batch_sampler_bad_batch_size(size):
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        BatchSampler(range(3), size, False)


def test_batch_sampler_bad_drop_last():
    with pytest.raises(ValueError, match="drop_last should be a boolean"):
        BatchSampler(range(3), 2, 0)


# ------------------------------------------------------------------ DataLoader: order and shapes


def test_sequential_batches_and_shapes():
    X, y = rows(10)
    loader = DataLoader(TensorDataset(X, y), batch_size=4)
    batches = list(loader)
    assert [tuple(xb.shape) for xb, _ in batches] == [(4, 3), (4, 3), (2, 3)]
    assert [tuple(yb.shape) for _, yb in batches] == [(4,), (4,), (2,)]
    assert labels_of(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batches[2][0].tolist() == [[24.0, 25.0, 26.0], [27.0, 28.0, 29.0]]
    assert batches[0][0].dtype is tt.float64
    assert batches[0][1].dtype is tt.int64
    assert type(batches[0]) is tuple


def test_default_batch_size_is_one():
    X, y = rows(3)
    batches = list(DataLoader(TensorDataset(X, y)))
    assert len(batches) == 3
    assert batches[1][0].shape == (1, 3)
    assert batches[1][1].tolist() == [1]


def test_drop_last():
    X, y = rows(10)
    ds = TensorDataset(X, y)
    assert labels_of(DataLoader(ds, batch_size=4, drop_last=True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(ds, batch_size=4, drop_last=True)) == 2
    assert len(labels_of(DataLoader(ds, batch_size=5, drop_last=True))) == 2
    assert labels_of(DataLoader(ds, batch_size=11, drop_last=True)) == []


def test_batch_size_edge_cases():
    X, y = rows(5)
    ds = TensorDataset(X, y)
    assert labels_of(DataLoader(ds, batch_size=5)) == [[0, 1, 2, 3, 4]]
    assert labels_of(DataLoader(ds, batch_size=100)) == [[0, 1, 2, 3, 4]]
    assert labels_of(DataLoader(ds, batch_size=1)) == [[0], [1], [2], [3], [4]]
    for bad in (0, -1, 2.0, True):
        with pytest.raises(ValueError, match="batch_size should be a positive integer"):
            DataLoader(ds, batch_size=bad)


def test_batch_size_none_disables_batching():
    X, y = rows(3)
    samples = list(DataLoader(TensorDataset(X, y), batch_size=None))
    assert len(samples) == 3
    assert samples[2][0].shape == (3,)  # no batch dimension
    assert samples[2][1].item() == 2
    assert list(DataLoader(Squares(4), batch_size=None)) == [0, 1, 4, 9]  # default_convert
    loader = DataLoader(Squares(4), batch_size=None)
    assert len(loader) == 4
    assert loader.collate_fn is default_convert


@pytest.mark.parametrize(
    ("n", "size", "drop_last"),
    [
        (10, 4, False),
        (10, 4, True),
        (8, 4, False),
        (8, 4, True),
        (3, 5, False),
        (3, 5, True),
        (1, 1, False),
        (0, 3, False),
    ],
)
def test_len_is_the_number_of_batches(n, size, drop_last):
    loader = DataLoader(Squares(n), batch_size=size, drop_last=drop_last)
    expected = n // size if drop_last else (n + size - 1) // size
    assert len(loader) == expected
    assert len(list(loader)) == expected


def test_shuffle_with_generator_is_repeatable_and_epochs_differ():
    X, y = rows(40)
    ds = TensorDataset(X, y)
    loader = DataLoader(ds, batch_size=8, shuffle=True, generator=tt.Generator(7))
    epoch1, epoch2 = flat(labels_of(loader)), flat(labels_of(loader))
    assert sorted(epoch1) == sorted(epoch2) == list(range(40))  # each sample once per epoch
    assert epoch1 != list(range(40))
    assert epoch1 != epoch2
    same = DataLoader(ds, batch_size=8, shuffle=True, generator=tt.Generator(7))
    assert flat(labels_of(same)) == epoch1
    assert flat(labels_of(same)) == epoch2
    other = DataLoader(ds, batch_size=8, shuffle=True, generator=tt.Generator(8))
    assert flat(labels_of(other)) != epoch1


def test_shuffled_batches_keep_x_and_y_together():
    X, y = rows(20)
    for collate in (None, not_default):
        loader = DataLoader(
            TensorDataset(X, y),
            batch_size=6,
            shuffle=True,
            generator=tt.Generator(2),
            collate_fn=collate,
        )
        for xb, yb in loader:
            for row, label in zip(xb.tolist(), yb.tolist()):
                assert row == [3.0 * label, 3.0 * label + 1, 3.0 * label + 2]


def test_shuffle_without_generator_follows_manual_seed():
    ds = Squares(30)
    tt.manual_seed(123)
    a = flat(b.tolist() for b in DataLoader(ds, batch_size=7, shuffle=True))
    tt.manual_seed(123)
    b = flat(b.tolist() for b in DataLoader(ds, batch_size=7, shuffle=True))
    assert a == b
    assert sorted(a) == sorted(i * i for i in range(30))


def test_fast_path_equals_general_path():
    X, y = rows(23)
    ds = TensorDataset(X, y)
    for kwargs in ({}, {"shuffle": True}, {"drop_last": True}):
        fast = list(DataLoader(ds, batch_size=5, generator=tt.Generator(4), **kwargs))
        general = list(
            DataLoader(
                ds, batch_size=5, generator=tt.Generator(4), collate_fn=not_default, **kwargs
            )
        )
        assert len(fast) == len(general)
        for (xf, yf), (xg, yg) in zip(fast, general):
            assert xf.shape == xg.shape
            assert yf.shape == yg.shape
            assert xf.dtype is xg.dtype
            assert yf.dtype is yg.dtype
            assert xf.tolist() == xg.tolist()
            assert yf.tolist() == yg.tolist()


def test_fast_path_indexes_each_tensor_once_per_batch(monkeypatch):
    X, y = rows(10)
    loader = DataLoader(TensorDataset(X, y), batch_size=4)
    keys = []
    original = Tensor.__getitem__

    def counting(self, key):
        keys.append(key)
        return original(self, key)

    monkeypatch.setattr(Tensor, "__getitem__", counting)
    assert len(list(loader)) == 3
    assert len(keys) == 6  # 3 batches x 2 tensors, not 10 samples x 2 tensors + stacking
    assert [k.tolist() for k in keys[::2]] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_subclass_overriding_getitem_takes_the_general_path():
    class Doubled(TensorDataset):
        def __getitem__(self, index):
            x, y = super().__getitem__(index)
            return x * 2, y

    X, y = rows(4)
    xb, yb = next(iter(DataLoader(Doubled(X, y), batch_size=2)))
    assert xb.tolist() == [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]
    assert yb.tolist() == [0, 1]


def test_subset_of_tensor_dataset_batches():
    X, y = rows(10)
    sub = Subset(Subset(TensorDataset(X, y), [9, 8, 7, 6, 5]), [4, 0, 2])
    xb, yb = next(iter(DataLoader(sub, batch_size=3)))
    assert yb.tolist() == [5, 9, 7]
    assert xb.tolist()[0] == [15.0, 16.0, 17.0]


def test_sampler_and_batch_sampler_arguments():
    X, y = rows(6)
    ds = TensorDataset(X, y)
    loader = DataLoader(ds, batch_size=2, sampler=[5, 4, 3, 2, 1, 0])
    assert labels_of(loader) == [[5, 4], [3, 2], [1, 0]]
    assert len(loader) == 3
    loader = DataLoader(ds, batch_sampler=[[0, 5], [1], [2, 3, 4]])
    assert labels_of(loader) == [[0, 5], [1], [2, 3, 4]]
    assert len(loader) == 3
    assert loader.batch_size is None
    # indices as 0-d int64 tensors and negative ints index like Python ints
    loader = DataLoader(ds, batch_size=3, sampler=list(tt.tensor([3, 1, -1])))
    assert labels_of(loader) == [[3, 1, 5]]


def test_index_out_of_range_raises():
    X, y = rows(4)
    with pytest.raises(IndexError):
        list(DataLoader(TensorDataset(X, y), batch_size=2, sampler=[0, 4]))
    with pytest.raises(IndexError, match="out of range for a subset of 2"):
        list(DataLoader(Subset(TensorDataset(X, y), [0, 1]), batch_size=2, sampler=[0, 2]))


def test_dataset_with_getitems_is_used():
    class Batched(Squares):
        def __getitems__(self, indices):
            self.seen.append(list(indices))
            return [self[i] for i in indices]

    ds = Batched(5)
    ds.seen = []
    assert [b.tolist() for b in DataLoader(ds, batch_size=2)] == [[0, 1], [4, 9], [16]]
    assert ds.seen == [[0, 1], [2, 3], [4]]


def test_map_dataset_general_path_and_custom_collate():
    loader = DataLoader(Squares(5), batch_size=2, collate_fn=sum)
    assert list(loader) == [1, 13, 16]
    words = ["a", "bb", "ccc"]
    assert list(DataLoader(words, batch_size=2)) == [["a", "bb"], ["ccc"]]


# ------------------------------------------------------------------ DataLoader: argument rules


def test_sampler_and_shuffle_are_exclusive():
    with pytest.raises(ValueError, match="sampler option is mutually exclusive with shuffle"):
        DataLoader(Squares(4), sampler=[0, 1, 2, 3], shuffle=True)


@pytest.mark.parametrize(
    "kwargs",
    [{"batch_size": 2}, {"shuffle": True}, {"sampler": [0, 1]}, {"drop_last": True}],
)
def test_batch_sampler_is_exclusive(kwargs):
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(Squares(4), batch_sampler=[[0, 1]], **kwargs)


def test_batch_size_none_and_drop_last():
    with pytest.raises(ValueError, match="batch_size=None option disables auto-batching"):
        DataLoader(Squares(4), batch_size=None, drop_last=True)


@pytest.mark.parametrize(
    ("kwargs", "what"),
    [
        ({"shuffle": True}, "shuffle"),
        ({"sampler": [0]}, "sampler"),
        ({"batch_sampler": [[0]]}, "batch_sampler"),
    ],
)
def test_iterable_dataset_refuses_order_options(kwargs, what):
    with pytest.raises(ValueError, match=f"IterableDataset: expected unspecified {what}"):
        DataLoader(Stream(4), **kwargs)


def test_num_workers():
    assert DataLoader(Squares(2), num_workers=0).num_workers == 0
    with pytest.raises(ValueError, match="non-negative"):
        DataLoader(Squares(2), num_workers=-1)
    with pytest.raises(ValueError, match="main process"):
        DataLoader(Squares(2), num_workers=2)


def test_attributes_cannot_be_set_after_init():
    loader = DataLoader(Squares(4), batch_size=2)
    for attr in ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset"):
        with pytest.raises(ValueError, match=f"{attr} attribute should not be set"):
            setattr(loader, attr, None)
    loader.collate_fn = sum  # others may be
    assert list(loader) == [1, 13]


def test_default_samplers():
    loader = DataLoader(Squares(4), batch_size=2)
    assert isinstance(loader.sampler, SequentialSampler)
    assert isinstance(loader.batch_sampler, BatchSampler)
    assert loader.collate_fn is default_collate
    g = tt.Generator(1)
    shuffled = DataLoader(Squares(4), shuffle=True, generator=g)
    assert isinstance(shuffled.sampler, RandomSampler)
    assert shuffled.sampler.generator is g
    assert shuffled.generator is g


# ------------------------------------------------------------------ IterableDataset


def test_iterable_dataset_batches():
    loader = DataLoader(Stream(7), batch_size=3)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(loader) == 3
    dropped = DataLoader(Stream(7), batch_size=3, drop_last=True)
    assert [b.tolist() for b in dropped] == [[0, 1, 2], [3, 4, 5]]
    assert len(dropped) == 2
    assert list(DataLoader(Stream(3), batch_size=None)) == [0, 1, 2]
    assert len(DataLoader(Stream(3), batch_size=None)) == 3
    assert [b.tolist() for b in DataLoader(Stream(2), shuffle=False)] == [[0], [1]]


def test_iterable_dataset_without_len():
    loader = DataLoader(Stream(5, with_len=False), batch_size=2)
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4]]
    with pytest.raises(TypeError):
        len(loader)


def test_iterable_dataset_of_pairs():
    class Pairs(IterableDataset):
        def __iter__(self):
            for i in range(5):
                yield tt.tensor([float(i), -float(i)]), i % 2

    xb, yb = next(iter(DataLoader(Pairs(), batch_size=4)))
    assert xb.tolist() == [[0.0, -0.0], [1.0, -1.0], [2.0, -2.0], [3.0, -3.0]]
    assert yb.tolist() == [0, 1, 0, 1]


# ------------------------------------------------------------------ default_collate


def test_collate_tensors():
    out = default_collate([tt.tensor([1.0, 2.0]), tt.tensor([3.0, 4.0]), tt.tensor([5.0, 6.0])])
    assert out.shape == (3, 2)
    assert out.tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    scalars = default_collate([tt.tensor(1), tt.tensor(2)])
    assert scalars.shape == (2,)
    assert scalars.dtype is tt.int64


def test_collate_variables_stack_their_data():
    v = [Variable(tt.tensor([1.0, 2.0]), requires_grad=True), Variable(tt.tensor([3.0, 4.0]))]
    out = default_collate(v)
    assert type(out) is Tensor
    assert out.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_collate_numbers():
    ints = default_collate([1, 2, 3])
    assert ints.dtype is tt.int64
    assert ints.tolist() == [1, 2, 3]
    floats = default_collate([1.5, 2.0])
    assert floats.dtype is tt.float64
    assert floats.tolist() == [1.5, 2.0]
    bools = default_collate([True, False])
    assert bools.dtype is tt.bool
    assert bools.tolist() == [True, False]
    assert default_collate([1.0, 2]).dtype is tt.float64


def test_collate_strings_stay_a_list():
    assert default_collate(["a", "b"]) == ["a", "b"]
    out = default_collate([("cat", 1), ("dog", 0)])
    assert out[0] == ["cat", "dog"]
    assert out[1].tolist() == [1, 0]


def test_collate_tuples_are_transposed():
    batch = [(tt.tensor([1.0, 2.0]), 0), (tt.tensor([3.0, 4.0]), 1), (tt.tensor([5.0, 6.0]), 1)]
    out = default_collate(batch)
    assert type(out) is tuple
    xs, ys = out
    assert xs.tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    assert ys.tolist() == [0, 1, 1]
    assert ys.dtype is tt.int64


def test_collate_lists_stay_lists():
    out = default_collate([[1, 2.5], [3, 4.5]])
    assert type(out) is list
    assert out[0].tolist() == [1, 3]
    assert out[1].tolist() == [2.5, 4.5]


def test_collate_namedtuple():
    Point = collections.namedtuple("Point", ["x", "y"])
    out = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert type(out) is Point
    assert out.x.tolist() == [1, 3]
    assert out.y.dtype is tt.float64


def test_collate_dicts_per_key():
    batch = [
        {"image": tt.tensor([1.0, 2.0]), "label": 0, "name": "a"},
        {"image": tt.tensor([3.0, 4.0]), "label": 1, "name": "b"},
    ]
    out = default_collate(batch)
    assert type(out) is dict
    assert list(out) == ["image", "label", "name"]
    assert out["image"].tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert out["label"].tolist() == [0, 1]
    assert out["name"] == ["a", "b"]
    ordered = default_collate([collections.OrderedDict(a=1), collections.OrderedDict(a=2)])
    assert type(ordered) is collections.OrderedDict


def test_collate_nested():
    batch = [
        {"pair": (1, tt.tensor([1.0])), "k": [2, 3]},
        {"pair": (4, tt.tensor([5.0])), "k": [6, 7]},
    ]
    out = default_collate(batch)
    assert out["pair"][0].tolist() == [1, 4]
    assert out["pair"][1].tolist() == [[1.0], [5.0]]
    assert [t.tolist() for t in out["k"]] == [[2, 6], [3, 7]]


def test_collate_errors():
    with pytest.raises(ValueError, match="shape"):
        default_collate([tt.zeros(2), tt.zeros(3)])
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([(1, 2), (3,)])
    with pytest.raises(TypeError, match="object"):
        default_collate([object(), object()])


def test_loader_of_dict_samples():
    class Records(Dataset):
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return {"x": tt.tensor([float(i)] * 2), "y": i}

    out = list(DataLoader(Records(), batch_size=2))
    assert out[0]["x"].shape == (2, 2)
    assert out[0]["y"].tolist() == [0, 1]
    assert out[1]["y"].tolist() == [2]


# ------------------------------------------------------------------ random_split


def test_random_split_int_lengths():
    parts = random_split(range(10), [3, 7], generator=tt.Generator(42))
    assert [len(p) for p in parts] == [3, 7]
    assert all(isinstance(p, Subset) for p in parts)
    a, b = ([p[i] for i in range(len(p))] for p in parts)
    assert sorted(a + b) == list(range(10))  # disjoint, and together everything
    assert not set(a) & set(b)


def test_random_split_fractions():
    parts = random_split(range(30), [0.3, 0.3, 0.4], generator=tt.Generator(0))
    assert [len(p) for p in parts] == [9, 9, 12]
    # 10 * [0.33, 0.33, 0.34] floors to [3, 3, 3]; the remainder of 1 goes round-robin
    parts = random_split(range(10), [0.33, 0.33, 0.34], generator=tt.Generator(0))
    assert [len(p) for p in parts] == [4, 3, 3]
    # 7 * [0.5, 0.5] floors to [3, 3]; remainder 1 -> [4, 3]
    parts = random_split(range(7), [0.5, 0.5], generator=tt.Generator(0))
    assert [len(p) for p in parts] == [4, 3]
    assert sorted(x for p in parts for x in p) == list(range(7))


def test_random_split_is_seeded():
    def split(seed):
        return [list(p) for p in random_split(range(20), [5, 15], generator=tt.Generator(seed))]

    assert split(1) == split(1)
    assert split(1) != split(2)
    tt.manual_seed(9)
    a = [list(p) for p in random_split(range(20), [10, 10])]
    tt.manual_seed(9)
    assert [list(p) for p in random_split(range(20), [10, 10])] == a


def test_random_split_of_tensor_dataset_loads():
    X, y = rows(12)
    train, test = random_split(TensorDataset(X, y), [0.75, 0.25], generator=tt.Generator(3))
    seen = flat(labels_of(DataLoader(train, batch_size=4))) + flat(
        labels_of(DataLoader(test, batch_size=4))
    )
    assert sorted(seen) == list(range(12))
    assert len(DataLoader(train, batch_size=4)) == math.ceil(9 / 4)


def test_random_split_errors():
    with pytest.raises(ValueError, match="sum of input lengths"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match=r"fractions summing to 1, got 0\.3 at index 0"):
        random_split(range(10), [0.3, 0.3])
    with pytest.raises(ValueError, match="not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        parts = random_split(range(2), [1.0, 0.0])
    assert [len(p) for p in parts] == [2, 0]


def test_default_collate_of_samples_of_different_shapes_points_to_collate_fn():
    from tinytorch.utils.data import default_collate

    with pytest.raises(ValueError, match="collate_fn of your own"):
        default_collate([tt.tensor([1.0, 2.0, 3.0]), tt.tensor([1.0, 2.0])])
