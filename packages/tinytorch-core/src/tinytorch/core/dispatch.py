"""The resolved kernel table: op name -> kernel, the only thing an op looks up.

Resolving plugins through pluggy costs microseconds; a small op costs about
one. So pluggy is asked once, the answer is kept in this plain dict, and every
Tensor operation is ``kernels["add"](a, b)``: one dict lookup.

When a plugin is registered or unregistered the table is emptied; the next
lookup misses, ``__missing__`` asks the plugin manager to fill the table
again, and returns the kernel. A dict subclass with ``__missing__`` costs
nothing on a hit.
"""


class KernelTable(dict):
    """A dict of kernels that refills itself, once, when it finds itself empty."""

    def __init__(self):
        super().__init__()
        self.refill = None  # set by the plugin manager: fills this table

    def __missing__(self, name):
        if not self and self.refill is not None:
            self.refill()
            if name in self:
                return dict.__getitem__(self, name)
        raise LookupError(
            f"no kernel is registered for op {name!r}; `tinytorch ops` lists the ops "
            "and who serves them"
        )


kernels = KernelTable()
