"""What tinytorch-autograd adds to ``check_kernel``: a gradcheck of the candidate kernel.

With the candidate swapped in for the op, the registered gradient rule must
agree with finite differences of the candidate's own outputs. A kernel that
matches the reference in value but not in smoothness (or a learner's own
gradient rule that does not fit the kernel) fails here.
"""

import tinytorch.core as tt
from tinytorch.core.plugins import OPS, use_kernel

from .gradcheck import GradcheckError, gradcheck
from .registry import gradient_params
from .variable import Variable

_MAX_CASES = 4  # gradcheck costs one backward per output element: keep it to small cases


def _variable_args(spec, args):
    wanted = gradient_params(spec)
    out = []
    for name, arg in zip(spec.params, args):
        if name in wanted and isinstance(arg, tt.Tensor) and arg.dtype is tt.float64 and arg.numel():
            out.append(Variable(arg.clone(), requires_grad=True))
        elif name == "tensors" and isinstance(arg, list):
            out.append([Variable(t.clone(), requires_grad=True) for t in arg])
        else:
            out.append(arg)
    return out


def _call_op(name, args):
    from .variable import _apply

    return _apply(name, tuple(args))


def gradcheck_candidate(name, kernel, report):
    spec = OPS[name]
    if not gradient_params(spec) or name in ("setitem",):
        return
    small = sorted(report.cases, key=lambda c: c.size)
    checked = 0
    for case in small:
        if checked >= _MAX_CASES:
            break
        args = _variable_args(spec, case.args)
        variables = [a for a in args if isinstance(a, Variable)]
        variables += [v for a in args if isinstance(a, list) for v in a]
        if not variables or case.size > 30:
            continue
        if name == "to" and case.args[1] is not tt.float64:
            continue  # only float results have gradients
        if name in ("var", "std") and case.args[0].ndim == 0:
            continue  # the spread of one number: not differentiable there
        checked += 1

        def fn(*flat, _args=args):
            it = iter(flat)
            rebuilt = [[next(it) for _ in a] if isinstance(a, list) else (next(it) if isinstance(a, Variable) else a)
                       for a in _args]
            out = _call_op(name, rebuilt)
            return out[0] if isinstance(out, tuple) else out

        try:
            with use_kernel(name, kernel):
                gradcheck(fn, tuple(variables), eps=1e-6, atol=1e-5, rtol=1e-3)
        except GradcheckError as error:
            report.add_failure(case, f"gradcheck: {error}")
        except Exception as error:
            report.add_failure(case, f"gradcheck raised {type(error).__name__}: {error}")
