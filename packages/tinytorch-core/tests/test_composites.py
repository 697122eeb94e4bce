"""Composite ops with their own fast kernels equal their composition from primitives."""

import pytest

import tinytorch.core as tt

from helpers import assert_tensor


def assert_close(actual, expected):
    assert_tensor(actual, expected.tolist(), dtype=expected.dtype)


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_equals_exp_over_sum(dim):
    x = tt.randn(3, 4, generator=tt.Generator(1))
    composed = (x - x.max(dim, keepdim=True).values).exp()
    composed = composed / composed.sum(dim, keepdim=True)
    assert_close(x.softmax(dim), composed)


@pytest.mark.parametrize("dim", [0, -1])
def test_log_softmax_equals_shifted_log_sum_exp(dim):
    x = tt.randn(3, 5, generator=tt.Generator(2))
    m = x.max(dim, keepdim=True).values
    composed = x - m - (x - m).exp().sum(dim, keepdim=True).log()
    assert_close(x.log_softmax(dim), composed)


def test_matmul_equals_broadcast_multiply_and_sum():
    g = tt.Generator(3)
    a, b = tt.randn(2, 3, 4, generator=g), tt.randn(4, 5, generator=g)
    composed = (a.unsqueeze(-1) * b.unsqueeze(0).unsqueeze(0)).sum(-2)
    assert_close(a @ b, composed)
