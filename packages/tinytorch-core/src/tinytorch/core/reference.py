"""Core's own plugin: the reference kernel of every op, registered ``trylast``.

Anything a learner or another distribution registers for an op shadows the
kernel registered here; ``check_kernel`` compares candidates with these.
"""

from .ops import OPS, elementwise, indexing, joining, linalg, reduction, shape
from .plugins import hookimpl

_FAMILIES = (elementwise, reduction, linalg, shape, indexing, joining)


def reference_kernels():
    """``{op name: kernel}`` for every op in ``OPS``, found by name in the family modules."""
    found = {}
    for module in _FAMILIES:
        for name in OPS:
            fn = module.__dict__.get(name)
            if callable(fn) and getattr(fn, "__module__", None) == module.__name__:
                found[name] = fn
    missing = sorted(set(OPS) - set(found))
    if missing:
        raise RuntimeError(f"core has no reference kernel for {missing}")
    return found


_KERNELS = reference_kernels()


@hookimpl(trylast=True)
def tinytorch_register_ops(registry):
    for name, fn in _KERNELS.items():
        registry.kernel(name, fn)
