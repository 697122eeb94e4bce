"""Small toy datasets made in code, for the tutorials and examples.

Every function returns ``(X, y)``, two Tensors, as scikit-learn's
``sklearn.datasets.make_*`` functions return two arrays:

* ``X``: float64 features, shape ``(n_samples, n_features)``;
* ``y``: for the classification sets, int64 class labels of shape
  ``(n_samples,)`` (``0 .. n_classes - 1``, what ``nn.CrossEntropyLoss``
  takes); for :func:`make_regression_line`, float64 targets of shape
  ``(n_samples, 1)`` (the shape of a ``Linear(1, 1)`` output, for
  ``nn.MSELoss``).

Wrap them for mini-batches with ``TensorDataset(X, y)``::

    >>> from tinytorch.utils.data import DataLoader, TensorDataset
    >>> from tinytorch.utils.data.toy import make_moons
    >>> X, y = make_moons(200, noise=0.1, seed=0)
    >>> X.shape, X.dtype, y.shape, y.dtype
    ((200, 2), tinytorch.float64, (200,), tinytorch.int64)
    >>> loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True)

Every set is repeatable: the same ``seed`` gives the same tensors (``seed``
may also be a ``tinytorch.core.Generator``, whose stream is then used and
advanced). ``noise`` is the standard deviation of the Gaussian noise, in the
units each function states; ``noise=0`` gives the exact shapes. The
classification sets split ``n_samples`` as evenly as the classes allow
(:func:`make_spirals` and :func:`make_xor` give the first classes one more;
:func:`make_moons` and :func:`make_circles` give class 0 ``n_samples // 2``,
as scikit-learn does) and, with ``shuffle=True`` (the default, as
scikit-learn's), mix the classes' rows; with ``shuffle=False`` the rows come
class by class (for :func:`make_xor`, corner by corner).
"""

import math

from tinytorch.core import Generator, float64, int64
from tinytorch.core.tensor import Tensor

__all__ = ["make_circles", "make_moons", "make_regression_line", "make_spirals", "make_xor"]


def _generator(seed, op):
    if isinstance(seed, Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{op}: seed must be an int or a tinytorch.core.Generator, got {seed!r}")
    return Generator(seed)


def _check(n_samples, noise, op, minimum=1):
    if isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < minimum:
        raise ValueError(f"{op}: n_samples must be an int >= {minimum}, got {n_samples!r}")
    if noise < 0:
        raise ValueError(f"{op}: noise must be non-negative, got {noise!r}")


def _split(n_samples, parts):
    """``n_samples`` in ``parts`` near-equal counts, the first ones larger."""
    base, extra = divmod(n_samples, parts)
    return [base + (k < extra) for k in range(parts)]


def _linspace(start, end, steps, endpoint=True):
    if steps == 1:
        return [float(start)]
    step = (end - start) / ((steps - 1) if endpoint else steps)
    return [start + i * step for i in range(steps)]


def _shuffled(points, labels, g):
    order = list(range(len(points)))
    g.shuffle(order)
    return [points[i] for i in order], [labels[i] for i in order]


def _finish(points, labels, n_features, shuffle, g):
    """Rows (lists of floats) and labels -> ``(X, y)``, rows shuffled if asked."""
    if shuffle:
        points, labels = _shuffled(points, labels, g)
    flat = [float(v) for row in points for v in row]
    X = Tensor(flat, (len(points), n_features), dtype=float64)
    y = Tensor(list(labels), (len(labels),), dtype=int64)
    return X, y


def make_regression_line(n_samples=100, slope=2.0, intercept=-1.0, noise=0.1, seed=0):
    r"""Points near the line ``y = slope * x + intercept``: the first regression problem.

    ``x`` is drawn uniformly from ``[-1, 1)``; ``y = slope * x + intercept + noise * e``
    with ``e`` standard normal.

    Args:
        n_samples (int): number of points.
        slope (float), intercept (float): the line a model should recover.
        noise (float): standard deviation of the noise added to ``y``.
        seed (int or Generator): makes the points repeatable.

    Returns:
        ``(X, y)``: float64 Tensors of shape ``(n_samples, 1)`` each.

    Example::

        >>> X, y = make_regression_line(5, noise=0.0)
        >>> X.shape, y.shape
        ((5, 1), (5, 1))
        >>> (y - (2.0 * X - 1.0)).abs().max().item() < 1e-12
        True
    """
    op = "make_regression_line"
    _check(n_samples, noise, op)
    g = _generator(seed, op)
    xs = [g.random() * 2.0 - 1.0 for _ in range(n_samples)]
    ys = [slope * x + intercept + (noise * g.gauss() if noise else 0.0) for x in xs]
    return (
        Tensor(xs, (n_samples, 1), dtype=float64),
        Tensor(ys, (n_samples, 1), dtype=float64),
    )


def _add_noise(points, noise, g):
    if noise:
        gauss = g.gauss
        return [[v + noise * gauss() for v in row] for row in points]
    return points


def make_moons(n_samples=100, noise=0.1, seed=0, shuffle=True):
    r"""Two interleaving half circles (scikit-learn's ``make_moons``).

    Class 0 lies on the upper half of the unit circle, ``(cos t, sin t)`` for
    ``t`` evenly spaced in ``[0, pi]``; class 1 on the lower half circle
    ``(1 - cos t, 0.5 - sin t)``. Gaussian noise of standard deviation
    ``noise`` is added to both coordinates. Not linearly separable: a model
    needs a hidden layer.

    Args:
        n_samples (int): total number of points (class 0 gets ``n_samples // 2``,
            as in scikit-learn).
        noise (float): standard deviation of the noise added to each coordinate.
        seed (int or Generator): makes the points repeatable.
        shuffle (bool): mix the rows of the two classes.

    Returns:
        ``(X, y)``: float64 ``(n_samples, 2)``, int64 ``(n_samples,)`` in {0, 1}.
    """
    op = "make_moons"
    _check(n_samples, noise, op, minimum=2)
    g = _generator(seed, op)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    inner = [[1.0 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0.0, math.pi, n_in)]
    points = outer + inner
    labels = [0] * n_out + [1] * n_in
    if shuffle:  # shuffle first, then noise, as scikit-learn does
        points, labels = _shuffled(points, labels, g)
    return _finish(_add_noise(points, noise, g), labels, 2, False, g)


def make_circles(n_samples=100, noise=0.05, factor=0.5, seed=0, shuffle=True):
    r"""A small circle inside a large one (scikit-learn's ``make_circles``).

    Class 0 lies on the unit circle, class 1 on the circle of radius
    ``factor``, each at evenly spaced angles ``2 pi k / m``; Gaussian noise of
    standard deviation ``noise`` is added to both coordinates. Separable by the
    radius, not by a line.

    Args:
        n_samples (int): total number of points (class 0 gets ``n_samples // 2``).
        noise (float): standard deviation of the noise added to each coordinate.
        factor (float): radius of the inner circle, in ``[0, 1)``.
        seed (int or Generator): makes the points repeatable.
        shuffle (bool): mix the rows of the two classes.

    Returns:
        ``(X, y)``: float64 ``(n_samples, 2)``, int64 ``(n_samples,)`` in {0, 1}.
    """
    op = "make_circles"
    _check(n_samples, noise, op, minimum=2)
    if not 0 <= factor < 1:
        raise ValueError(f"{op}: factor has to be between 0 and 1, got {factor!r}")
    g = _generator(seed, op)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_out, False)]
    inner = [
        [factor * math.cos(t), factor * math.sin(t)]
        for t in _linspace(0.0, 2 * math.pi, n_in, False)
    ]
    points = outer + inner
    labels = [0] * n_out + [1] * n_in
    if shuffle:  # shuffle first, then noise, as scikit-learn does
        points, labels = _shuffled(points, labels, g)
    return _finish(_add_noise(points, noise, g), labels, 2, False, g)


def make_spirals(n_samples=300, n_classes=3, noise=0.2, turns=4.0, seed=0, shuffle=True):
    r"""Interleaved spiral arms, one per class (the CS231n spiral data).

    Point ``i`` of the ``m`` points of class ``k`` has radius
    ``r = i / (m - 1)`` (from the centre out to 1) and angle
    ``theta = 2 pi k / n_classes + turns * r + noise * e`` (radians, ``e``
    standard normal), so ``X = (r cos theta, r sin theta)``. The arms are
    rotated copies of each other, ``2 pi / n_classes`` apart; ``noise`` blurs
    each point along its circle, never its radius. A classic test of a small
    MLP: a linear model gets about ``1 / n_classes`` of them right.

    Args:
        n_samples (int): total number of points.
        n_classes (int): number of arms (classes), at least 2.
        noise (float): standard deviation of the noise in the angle, in radians.
        turns (float): how far each arm winds from the centre to radius 1, in
            radians (4.0: about two thirds of a full turn).
        seed (int or Generator): makes the points repeatable.
        shuffle (bool): mix the rows of the classes.

    Returns:
        ``(X, y)``: float64 ``(n_samples, 2)``, int64 ``(n_samples,)`` in
        ``0 .. n_classes - 1``.
    """
    op = "make_spirals"
    if isinstance(n_classes, bool) or not isinstance(n_classes, int) or n_classes < 2:
        raise ValueError(f"{op}: n_classes must be an int >= 2, got {n_classes!r}")
    _check(n_samples, noise, op, minimum=n_classes)
    g = _generator(seed, op)
    points, labels = [], []
    for k, m in enumerate(_split(n_samples, n_classes)):
        base = 2 * math.pi * k / n_classes
        for r in _linspace(0.0, 1.0, m):
            theta = base + turns * r + (noise * g.gauss() if noise else 0.0)
            points.append([r * math.cos(theta), r * math.sin(theta)])
            labels.append(k)
    return _finish(points, labels, 2, shuffle, g)


def make_xor(n_samples=200, noise=0.1, seed=0, shuffle=True):
    r"""The XOR problem: four clusters at the corners of the unit square.

    The corners ``(a, b)`` for ``a, b`` in {0, 1} get label ``a XOR b``:
    ``(0, 0)`` and ``(1, 1)`` are class 0, ``(0, 1)`` and ``(1, 0)`` class 1.
    Each point is its corner plus Gaussian noise of standard deviation
    ``noise`` in each coordinate; ``noise=0`` gives the four textbook points,
    repeated. No line separates the classes; one hidden layer does.

    Args:
        n_samples (int): total number of points, split evenly over the corners
            in the order (0, 0), (0, 1), (1, 0), (1, 1).
        noise (float): standard deviation of the noise added to each coordinate.
        seed (int or Generator): makes the points repeatable.
        shuffle (bool): mix the rows of the clusters.

    Returns:
        ``(X, y)``: float64 ``(n_samples, 2)``, int64 ``(n_samples,)`` in {0, 1}.

    Example::

        >>> X, y = make_xor(4, noise=0.0, shuffle=False)
        >>> X.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    op = "make_xor"
    _check(n_samples, noise, op)
    g = _generator(seed, op)
    corners = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    points, labels = [], []
    for (a, b), m in zip(corners, _split(n_samples, 4)):
        points.extend([a, b] for _ in range(m))
        labels.extend([int(a) ^ int(b)] * m)
    return _finish(_add_noise(points, noise, g), labels, 2, shuffle, g)
