"""gradcheck and gradgradcheck: finite differences against the analytic gradient.

For every input element ``x_j``, the numeric derivative of every output
element is the central difference ``(f(x + eps) - f(x - eps)) / (2 eps)``;
the analytic one comes from backward (one backward per output element). They
must agree within ``atol + rtol * |numeric|``.
"""

import tinytorch.core as tt
from tinytorch.core.strides import positions

from .engine import grad as autograd_grad
from .variable import Variable


class GradcheckError(RuntimeError):
    """The analytic gradient of a function differs from its finite-difference estimate."""


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _outputs(fn, inputs):
    """The outputs that carry gradients (indices and masks are skipped)."""
    return [o for o in _as_tuple(fn(*inputs)) if isinstance(o, Variable) and o.requires_grad]


def _positions(t):
    """Storage positions of a tensor's elements (views included), row-major."""
    return positions(t.shape, t.strides, t.offset)


def _numeric_jacobian(fn, inputs, i, eps):
    """``[output][element of output][element of input i]`` by central differences."""
    x = inputs[i].data
    columns = []
    for p in _positions(x):
        original = x.storage[p]
        # not under no_grad: fn may itself differentiate (gradgradcheck's first derivatives)
        x.storage[p] = original + eps
        plus = [o.data.values()[:] for o in _outputs(fn, inputs)]
        x.storage[p] = original - eps
        minus = [o.data.values()[:] for o in _outputs(fn, inputs)]
        x.storage[p] = original
        columns.append([[(a - b) / (2 * eps) for a, b in zip(po, mo)] for po, mo in zip(plus, minus)])
    return columns  # columns[input element][output][output element]


def _analytic_rows(fn, inputs, wanted):
    """``rows[output][output element][input] -> gradient values`` via one backward each."""
    outputs = _outputs(fn, inputs)
    rows = []
    for out in outputs:
        per_element = []
        for k in range(out.numel()):
            seed = [0.0] * out.numel()
            seed[k] = 1.0
            grads = autograd_grad(
                out, wanted, grad_outputs=Variable(tt.Tensor(seed, out.shape)),
                retain_graph=True, allow_unused=True,
            )
            per_element.append([None if g is None else g.data.values() for g in grads])
        rows.append(per_element)
    return rows


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True if ``fn``'s backward matches finite differences for every input that requires grad.

    ``inputs`` is a tuple of Variables (and other arguments); ``fn(*inputs)``
    returns a Variable or a tuple of them. On a mismatch the error names the
    input, the element, and both values.
    """
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    wanted = [v for v in inputs if isinstance(v, Variable) and v.requires_grad]
    if not wanted:
        raise ValueError("gradcheck: no input is a Variable with requires_grad=True")
    analytic = _analytic_rows(fn, inputs, wanted)
    for w, var in enumerate(wanted):
        i = next(j for j, v in enumerate(inputs) if v is var)
        numeric = _numeric_jacobian(fn, inputs, i, eps)
        for j, column in enumerate(numeric):
            for o, out_column in enumerate(column):
                for k, n in enumerate(out_column):
                    values = analytic[o][k][w]
                    a = 0.0 if values is None else values[j]
                    if a != a and n != n:  # both nan: the function is undefined here
                        continue
                    if not abs(a - n) <= atol + rtol * abs(n):
                        message = (
                            f"the gradient of output {o} (element {k}) with respect to "
                            f"input {i} (shape {var.shape}), element {j} (row-major) is {a!r} "
                            f"by backward but {n!r} by finite differences (eps={eps})"
                        )
                        if raise_exception:
                            raise GradcheckError(message)
                        return False
    return True


def gradgradcheck(fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """gradcheck of the first derivatives: checks second-order gradients (``create_graph=True``)."""
    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    outputs = _outputs(fn, inputs)
    if grad_outputs is None:
        g = tt.Generator(0)
        grad_outputs = [Variable(tt.randn(*o.shape, generator=g), requires_grad=True) for o in outputs]
    grad_outputs = list(grad_outputs)
    n_inputs = len(inputs)

    def first_derivatives(*args):
        xs, gs = args[:n_inputs], args[n_inputs:]
        outs = _outputs(fn, xs)
        vars_ = [v for v in xs if isinstance(v, Variable) and v.requires_grad]
        grads = autograd_grad(outs, vars_, grad_outputs=list(gs), create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivatives, inputs + tuple(grad_outputs), eps, atol, rtol, raise_exception)
