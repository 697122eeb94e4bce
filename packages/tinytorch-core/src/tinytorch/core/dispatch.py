"""The resolved kernel table: op name -> kernel, the only thing an op looks up.

Resolving plugins through pluggy costs microseconds; a small op costs about
one. So pluggy is asked once, the answer is kept in this plain dict, and every
Tensor operation is ``kernels["add"](a, b)``: one dict lookup.

When a plugin is registered or unregistered the table is emptied; the next
lookup misses, ``__missing__`` asks the plugin manager to fill the table
again, and returns the kernel. A dict subclass with ``__missing__`` costs
nothing on a hit.
"""


class LazyTable(dict):
    """A dict that refills itself, once, when a lookup finds it empty.

    The plugin manager empties it whenever plugins change and sets ``refill``.
    tinytorch-autograd keeps its gradient rules in one too.
    """

    def __init__(self, kind="kernel", hint="`tinytorch ops` lists the ops and who serves them"):
        super().__init__()
        self.kind = kind
        self.hint = hint
        self.refill = None  # set by the plugin manager: fills this table

    def __missing__(self, name):
        if not self and self.refill is not None:
            self.refill()
            if name in self:
                return dict.__getitem__(self, name)
        raise LookupError(f"no {self.kind} is registered for {name!r}; {self.hint}")


kernels = LazyTable()
