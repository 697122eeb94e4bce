"""The reference gradient rules, one module per op family, mirroring ``tinytorch/core/ops/``.

A reader who finds the ``mul`` kernel in ``core/ops/elementwise.py`` finds
its gradient rules here in ``elementwise.py``, under ``RULES["mul"]``. Every
rule is ``rule(grad, out, *args) -> gradient of one input``, written with
Variable ops (so that it can itself be differentiated).
"""

from . import elementwise, indexing, joining, linalg, reduction, shape

REFERENCE_RULES = {}
for _family in (elementwise, reduction, linalg, shape, indexing, joining):
    REFERENCE_RULES.update(_family.RULES)

# The ops whose reference rules read their own output (``grad * out`` for exp, ...),
# as PyTorch saves it: changing that output in place before backward is refused.
READS_OUTPUT = frozenset(
    {"exp", "sqrt", "tanh", "sigmoid", "softmax", "log_softmax", "pow", "prod", "max", "min", "std"}
)
