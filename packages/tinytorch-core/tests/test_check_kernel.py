"""check_kernel: a candidate kernel against the reference on generated inputs."""

import math

import pytest

import tinytorch.core as tt
from tinytorch.core.checking import generate_cases
from tinytorch.core.plugins import OPS, PluginError, check_kernel, manager


def storage_order_add(a, b):
    """A classic first attempt: walks the storage, ignoring strides and broadcasting."""
    return tt.Tensor([x + y for x, y in zip(a.storage, b.storage)], a.shape)


def rows_times_columns(a, b):
    """A plain matmul that is right for contiguous 2-D inputs only."""
    n, k = a.shape
    m = b.shape[1]
    A, B = a.storage, b.storage
    return tt.Tensor([sum(A[i * k + p] * B[p * m + j] for p in range(k)) for i in range(n) for j in range(m)], (n, m))


def public_api_matmul(a, b):
    """A correct matmul written only with public Tensor ops (broadcast multiply, then sum)."""
    if a.ndim == 1 and b.ndim == 1:
        return (a * b).sum()
    a2 = a.unsqueeze(0) if a.ndim == 1 else a
    b2 = b.unsqueeze(-1) if b.ndim == 1 else b
    out = (a2.unsqueeze(-1) * b2.unsqueeze(-3)).sum(-2)
    if a.ndim == 1:
        out = out.squeeze(-2)
    if b.ndim == 1:
        out = out.squeeze(-1)
    return out


@pytest.mark.parametrize("name", sorted(OPS))
def test_reference_kernel_passes_its_own_check(name):
    report = check_kernel(name, manager.reference_kernel(name))
    assert report.ok, str(report)
    assert len(report.cases) >= 3


def test_cases_cover_views_broadcasting_and_edge_shapes():
    cases = generate_cases("add")
    labels = " | ".join(c.label for c in cases)
    assert "view" in labels  # non-contiguous
    assert "float64[]" in labels  # 0-d
    assert "[0, 3]" in labels  # empty
    assert "float64[3, 1], float64[1, 4]" in labels  # broadcasting


def test_wrong_kernel_is_caught_with_the_smallest_failing_input():
    report = check_kernel("add", storage_order_add)
    assert not report.ok
    worst = report.smallest_failure()
    assert worst.case.size == min(f.case.size for f in report.failures)
    text = str(report)
    assert "differ from the reference" in text
    assert "expected:" in text
    assert "actual:" in text


def test_kernel_right_only_for_contiguous_matrices_fails_on_views():
    report = check_kernel("matmul", rows_times_columns)
    assert not report.ok
    failing = " ".join(f.case.label for f in report.failures)
    assert "view" in failing
    assert "raised" in " ".join(f.message for f in report.failures)  # the 1-D cases crash it


def test_correct_composite_kernel_passes():
    report = check_kernel("matmul", public_api_matmul)
    assert report.ok, str(report)
    assert bool(report)


def test_check_kernel_refuses_a_wrong_signature_and_an_unknown_op():
    with pytest.raises(PluginError, match="cannot be called as add"):
        check_kernel("add", lambda a: a)
    with pytest.raises(PluginError, match="did you mean 'relu'"):
        check_kernel("rellu", lambda a: a)


def test_check_kernel_does_not_let_a_kernel_mutate_the_reference_inputs():
    def scribbling_exp(a):
        a.storage[:] = [0.0] * len(a.storage)  # destroys its input
        return tt.Tensor([math.exp(0.0)] * a.numel(), a.shape)

    report = check_kernel("exp", scribbling_exp)
    assert not report.ok  # compared with exp of the real inputs, not of the zeros
