"""tinytorch.utils.data.toy: shapes, dtypes, determinism, and the geometry of each set.

The geometric checks recompute by hand (``math``) where each point must lie:
on its line, circle, half circle, spiral arm or XOR corner.
"""

import math

import pytest

import tinytorch.core as tt
from tinytorch.utils.data import DataLoader, TensorDataset
from tinytorch.utils.data.toy import (
    make_circles,
    make_moons,
    make_regression_line,
    make_spirals,
    make_xor,
)

CLASSIFIERS = [make_moons, make_circles, make_spirals, make_xor]
ALL = [make_regression_line, *CLASSIFIERS]


def wrap(angle):
    """An angle in (-pi, pi]."""
    return math.atan2(math.sin(angle), math.cos(angle))


# ------------------------------------------------------------------ common contract


@pytest.mark.parametrize("make", CLASSIFIERS)
@pytest.mark.parametrize("n", [12, 101])
def test_classification_shapes_and_dtypes(make, n):
    X, y = make(n)
    assert X.shape == (n, 2)
    assert y.shape == (n,)
    assert X.dtype is tt.float64
    assert y.dtype is tt.int64
    assert all(math.isfinite(v) for row in X.tolist() for v in row)


def test_regression_shapes_and_dtypes():
    X, y = make_regression_line(37)
    assert X.shape == (37, 1)
    assert y.shape == (37, 1)
    assert X.dtype is tt.float64
    assert y.dtype is tt.float64


@pytest.mark.parametrize("make", ALL)
def test_same_seed_same_data(make):
    X1, y1 = make(40, seed=3)
    X2, y2 = make(40, seed=3)
    assert X1.tolist() == X2.tolist()
    assert y1.tolist() == y2.tolist()
    X3, _ = make(40, seed=4)
    assert X3.tolist() != X1.tolist()


@pytest.mark.parametrize("make", ALL)
def test_default_seed_is_fixed(make):
    assert make(20)[0].tolist() == make(20)[0].tolist()


@pytest.mark.parametrize("make", ALL)
def test_seed_may_be_a_generator(make):
    X1, _ = make(20, seed=tt.Generator(5))
    X2, _ = make(20, seed=tt.Generator(5))
    assert X1.tolist() == X2.tolist()
    g = tt.Generator(5)
    first, second = make(20, seed=g)[0].tolist(), make(20, seed=g)[0].tolist()
    assert first != second  # the generator's stream advances


@pytest.mark.parametrize("make", ALL)
def test_bad_arguments(make):
    with pytest.raises(ValueError, match="n_samples"):
        make(0)
    with pytest.raises(ValueError, match="noise"):
        make(10, noise=-0.1)
    with pytest.raises(TypeError, match="seed"):
        make(10, seed="zero")


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_shuffle_mixes_but_keeps_the_points(make):
    X, y = make(60, noise=0.0, shuffle=False)
    Xs, ys = make(60, noise=0.0, shuffle=True)
    assert ys.tolist() != y.tolist()
    assert sorted(ys.tolist()) == sorted(y.tolist())
    pairs = sorted(zip(map(tuple, X.tolist()), y.tolist()))
    assert sorted(zip(map(tuple, Xs.tolist()), ys.tolist())) == pairs
    if make is not make_xor:  # unshuffled: class by class (XOR: corner by corner)
        assert y.tolist() == sorted(y.tolist())


@pytest.mark.parametrize("make", ALL)
def test_works_with_tensor_dataset_and_loader(make):
    X, y = make(50)
    loader = DataLoader(TensorDataset(X, y), batch_size=16, shuffle=True, generator=tt.Generator(0))
    batches = list(loader)
    assert [len(yb) for _, yb in batches] == [16, 16, 16, 2]
    assert batches[0][0].shape == (16, X.shape[1])


# ------------------------------------------------------------------ regression line


def test_regression_without_noise_is_the_line():
    X, y = make_regression_line(50, slope=-3.0, intercept=0.5, noise=0.0)
    for (x,), (t,) in zip(X.tolist(), y.tolist()):
        assert -1.0 <= x < 1.0
        assert t == pytest.approx(-3.0 * x + 0.5, abs=1e-12)


def test_regression_noise_and_least_squares_fit():
    n, noise = 4000, 0.1
    X, y = make_regression_line(n, slope=2.0, intercept=-1.0, noise=noise, seed=1)
    xs = [r[0] for r in X.tolist()]
    ts = [r[0] for r in y.tolist()]
    mx, mt = sum(xs) / n, sum(ts) / n
    slope = sum((x - mx) * (t - mt) for x, t in zip(xs, ts)) / sum((x - mx) ** 2 for x in xs)
    intercept = mt - slope * mx
    assert slope == pytest.approx(2.0, abs=0.02)
    assert intercept == pytest.approx(-1.0, abs=0.01)
    residuals = [t - (2.0 * x - 1.0) for x, t in zip(xs, ts)]
    std = math.sqrt(sum(r * r for r in residuals) / n)
    assert std == pytest.approx(noise, rel=0.1)


# ------------------------------------------------------------------ moons


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = make_moons(41, noise=0.0, shuffle=False)
    labels = y.tolist()
    assert labels == [0] * 20 + [1] * 21  # n_samples // 2 in the outer moon, as scikit-learn
    for (a, b), k in zip(X.tolist(), labels):
        if k == 0:  # upper half of the unit circle
            assert a * a + b * b == pytest.approx(1.0, abs=1e-12)
            assert b >= -1e-12
        else:  # lower half of the unit circle centred at (1, 0.5)
            assert (a - 1.0) ** 2 + (b - 0.5) ** 2 == pytest.approx(1.0, abs=1e-12)
            assert b <= 0.5 + 1e-12
    ends = X.tolist()
    assert ends[0] == pytest.approx([1.0, 0.0])  # t = 0
    assert ends[19] == pytest.approx([-1.0, 0.0], abs=1e-12)  # t = pi
    assert ends[20] == pytest.approx([0.0, 0.5])


def test_moons_with_noise_stay_near_their_arcs():
    X, y = make_moons(400, noise=0.1, seed=2)
    near = 0
    for (a, b), k in zip(X.tolist(), y.tolist()):
        d_own = abs(math.hypot(a - k, b - 0.5 * k) - 1.0)  # distance to the own circle
        d_other = abs(math.hypot(a - (1 - k), b - 0.5 * (1 - k)) - 1.0)
        near += d_own < d_other or d_own < 0.15
    assert near / 400 > 0.95


# ------------------------------------------------------------------ circles


def test_circles_without_noise():
    X, y = make_circles(20, noise=0.0, factor=0.3, shuffle=False)
    for (a, b), k in zip(X.tolist(), y.tolist()):
        assert math.hypot(a, b) == pytest.approx(1.0 if k == 0 else 0.3, abs=1e-12)
    angles = [math.atan2(b, a) % (2 * math.pi) for a, b in X.tolist()[:10]]
    assert angles == pytest.approx([2 * math.pi * i / 10 for i in range(10)], abs=1e-9)


def test_circles_are_separated_by_the_radius():
    X, y = make_circles(500, noise=0.05, factor=0.5, seed=3)
    right = sum((math.hypot(a, b) < 0.75) == (k == 1) for (a, b), k in zip(X.tolist(), y.tolist()))
    assert right / 500 > 0.98
    assert y.tolist().count(0) == 250


def test_circles_bad_factor():
    with pytest.raises(ValueError, match="factor"):
        make_circles(10, factor=1.0)


# ------------------------------------------------------------------ spirals


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_spiral_points_lie_on_their_arms(n_classes):
    turns = 4.0
    n = 30 * n_classes + 1
    X, y = make_spirals(n, n_classes=n_classes, noise=0.0, seed=0, shuffle=False)
    labels = y.tolist()
    counts = [labels.count(k) for k in range(n_classes)]
    assert counts == [31] + [30] * (n_classes - 1)
    assert labels == sorted(labels)
    start = 0
    for k, m in enumerate(counts):
        for i, (a, b) in enumerate(X.tolist()[start : start + m]):
            r = i / (m - 1)  # radius from 0 to 1 along the arm
            theta = 2 * math.pi * k / n_classes + turns * r
            assert a == pytest.approx(r * math.cos(theta), abs=1e-12)
            assert b == pytest.approx(r * math.sin(theta), abs=1e-12)
        start += m


def test_spiral_noise_moves_points_along_their_circle():
    n_classes, turns, noise = 3, 4.0, 0.2
    X, y = make_spirals(300, n_classes=n_classes, noise=noise, seed=1, shuffle=False)
    pts, labels = X.tolist(), y.tolist()
    residuals = []
    nearest_arm_right = 0
    for idx, ((a, b), k) in enumerate(zip(pts, labels)):
        i = idx - 100 * k
        r = i / 99
        assert math.hypot(a, b) == pytest.approx(r, abs=1e-12)  # the radius is exact
        if r < 0.05:
            continue  # at the centre every arm is close
        angle = math.atan2(b, a)

        def off(arm, angle=angle, r=r):
            return wrap(angle - 2 * math.pi * arm / n_classes - turns * r)

        residuals.append(off(k))
        nearest_arm_right += min(range(n_classes), key=lambda arm: abs(off(arm))) == k
    std = math.sqrt(sum(e * e for e in residuals) / len(residuals))
    assert std == pytest.approx(noise, rel=0.25)
    assert nearest_arm_right / len(residuals) > 0.95


def test_spirals_shuffled_by_default_and_class_balance():
    _, y = make_spirals(300)
    labels = y.tolist()
    assert [labels.count(k) for k in range(3)] == [100, 100, 100]
    assert labels[:100] != [0] * 100


def test_spirals_bad_n_classes():
    with pytest.raises(ValueError, match="n_classes"):
        make_spirals(10, n_classes=1)
    with pytest.raises(ValueError, match="n_samples"):
        make_spirals(2, n_classes=3)


# ------------------------------------------------------------------ xor


def test_xor_without_noise_is_the_truth_table():
    X, y = make_xor(4, noise=0.0, shuffle=False)
    assert X.tolist() == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert y.tolist() == [0, 1, 1, 0]
    X, y = make_xor(10, noise=0.0, shuffle=False)
    assert [tuple(p) for p in X.tolist()].count((0.0, 0.0)) == 3  # 10 = 3 + 3 + 2 + 2
    assert y.tolist() == [0] * 3 + [1] * 3 + [1] * 2 + [0] * 2


def test_xor_label_is_the_xor_of_the_nearest_corner():
    X, y = make_xor(400, noise=0.1, seed=4)
    right = sum((int(a > 0.5) ^ int(b > 0.5)) == k for (a, b), k in zip(X.tolist(), y.tolist()))
    assert right / 400 > 0.98
    assert y.tolist().count(1) == 200
