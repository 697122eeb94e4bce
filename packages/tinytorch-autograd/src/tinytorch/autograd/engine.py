"""backward() and grad(): walk the graph from the output back to the leaves.

1. Order the nodes so that each comes before the nodes it sends gradients to
   (a depth-first search with an explicit stack, so a chain of 100,000 ops
   needs no recursion).
2. Give the output its gradient (1 for a scalar), then for each node in
   order: call its rules, sum each result back to its input's shape, and add
   it to the gradient of that input's own node, or, for a leaf, to the
   leaf's total.
3. Hand each leaf its total (after its hooks), and free each node's saved
   arguments unless ``retain_graph=True``.

With ``create_graph=False`` the rules run under ``no_grad``: gradients are
plain values. With ``create_graph=True`` they are recorded like any other
op, so they can be differentiated again.
"""

import tinytorch.core as tt

from . import anomaly
from .grad_mode import set_grad_enabled
from .variable import Variable, _wrap


def topological_order(roots):
    """The nodes reachable from ``roots``, each before every node it feeds gradients to."""
    order, seen = [], set()
    stack = [(node, False) for node in roots]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        for _rule, target in node.edges or ():
            for v in target if isinstance(target, list) else (target,):
                if v is not None and v.grad_fn is not None and v.grad_fn not in seen:
                    stack.append((v.grad_fn, False))
    order.reverse()
    return order


def sum_to_shape(grad, shape):
    """Sum a broadcast gradient back to ``shape`` (the input's shape before broadcasting)."""
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    dims = list(range(lead)) + [
        lead + i for i, size in enumerate(shape) if size == 1 and grad.shape[lead + i] != 1
    ]
    if dims:
        grad = grad.sum(tuple(dims), keepdim=True)
    return grad.reshape(shape) if grad.shape != shape else grad


def _as_variable(value, like):
    if isinstance(value, Variable):
        return value
    if isinstance(value, tt.Tensor):
        return _wrap(value)
    raise TypeError(
        f"a gradient rule returned {type(value).__name__}, expected a Variable or Tensor "
        f"(for an input of shape {like.shape})"
    )


def _run_hooks(variable, grad):
    for hook in variable._hooks or ():
        result = hook(grad)
        if result is not None:
            grad = _as_variable(result, variable)
    return grad


def _initial_gradients(roots, gradients):
    if gradients is None:
        gradients = [None] * len(roots)
    initial = []
    for root, grad in zip(roots, gradients):
        if not root.requires_grad:
            raise RuntimeError(
                "backward: the output does not require grad and has no grad_fn; did you "
                "create the inputs with requires_grad=True, or run the forward under no_grad?"
            )
        if grad is None:
            if root.numel() != 1:
                raise RuntimeError(
                    f"backward: grad can be implicitly created only for scalar outputs, this "
                    f"output has shape {root.shape}; pass gradient=... (a tensor of that shape)"
                )
            grad = Variable(tt.ones(root.shape))
        else:
            grad = grad if isinstance(grad, Variable) else Variable(tt.tensor(grad))
            if grad.shape != root.shape:
                raise ValueError(
                    f"backward: gradient has shape {grad.shape}, but the output has shape {root.shape}"
                )
        initial.append((root, grad))
    return initial


def run_backward(roots, gradients, retain_graph, create_graph, capture=None):
    """The engine behind ``backward`` and ``grad``.

    Returns ``{id(variable): gradient}`` for the leaves (or, with ``capture``,
    for the Variables in ``capture``, without touching any ``.grad``).
    """
    node_grads = {}
    leaf_grads = {}  # id(leaf) -> (leaf, gradient)
    captured_nodes = {v.grad_fn: v for v in capture or () if v.grad_fn is not None}
    captured = {}

    def send(variable, grad):
        if grad.shape != variable.shape:
            grad = sum_to_shape(grad, variable.shape)
        node = variable.grad_fn
        if node is None:
            key = id(variable)
            previous = leaf_grads.get(key)
            leaf_grads[key] = (variable, grad if previous is None else previous[1] + grad)
        else:
            previous = node_grads.get(node)
            node_grads[node] = grad if previous is None else previous + grad

    with set_grad_enabled(create_graph):
        for root, grad in _initial_gradients(roots, gradients):
            send(root, grad)
        order = topological_order([r.grad_fn for r in roots if r.grad_fn is not None])
        # each node holds its output weakly (no cycles); the walk holds them all until it ends,
        # since releasing a consumer may drop the last other reference to a producer's output
        outputs = [node.out_ref() if node.out_ref is not None else None for node in order]
        for node in order:
            grad = node_grads.pop(node, None)
            if grad is None:  # nothing flowed into this branch
                continue
            out = node.out_ref() if node.out_ref is not None else None
            if out is not None:
                if out._hooks:
                    grad = _run_hooks(out, grad)
                if out._retain:
                    out.grad = grad if create_graph else grad.detach()
            if node in captured_nodes:
                captured[id(captured_nodes[node])] = grad
            try:
                pairs = node.apply(grad)
            except Exception as error:
                error.add_note(f"(in the backward of '{node.op}', {node.name()})")
                raise
            if not retain_graph:
                node.release()
            for variable, g in pairs:
                g = _as_variable(g, variable)
                if anomaly.state.enabled:
                    anomaly.check_gradient(node, variable, g)
                send(variable, g)
        del outputs
    results = {}
    for key, (leaf, grad) in leaf_grads.items():
        grad = _run_hooks(leaf, grad) if leaf._hooks else grad
        results[key] = (leaf, grad)
    results.update({k: (None, g) for k, g in captured.items()})
    return results


def backward(roots, gradients=None, retain_graph=False, create_graph=False):
    """Accumulate d(roots)/d(leaf) into every leaf's ``.grad`` (``roots``: a Variable or a list)."""
    if isinstance(roots, Variable):
        roots = [roots]
        if gradients is not None and not isinstance(gradients, (list, tuple)):
            gradients = [gradients]
    results = run_backward(roots, gradients, retain_graph or create_graph, create_graph)
    # a rule may pass a gradient on unchanged (add does), so two leaves, or a leaf and the
    # caller's `gradient`, could end up sharing one storage: in-place work on one .grad
    # (clipping, zero_grad) would then change the other. Each leaf gets storage of its own.
    taken = {id(g.data.storage) for g in gradients or () if isinstance(g, Variable)}
    for leaf, grad in results.values():
        if not create_graph:
            grad = grad.detach()
            if id(grad.data.storage) in taken:
                grad = Variable(grad.data.clone())
            taken.add(id(grad.data.storage))
        leaf.grad = grad if leaf.grad is None else leaf.grad + grad


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """The gradients of ``outputs`` with respect to ``inputs``, as a tuple (``.grad`` is untouched)."""
    single = isinstance(outputs, Variable)
    outputs = [outputs] if single else list(outputs)
    single_input = isinstance(inputs, Variable)
    inputs = [inputs] if single_input else list(inputs)
    if grad_outputs is not None and isinstance(grad_outputs, (Variable, tt.Tensor)):
        grad_outputs = [grad_outputs]
    for i, v in enumerate(inputs):
        if not (isinstance(v, Variable) and v.requires_grad):
            raise RuntimeError(f"grad: input {i} is not a Variable that requires grad")
    retain = create_graph if retain_graph is None else retain_graph
    results = run_backward(outputs, grad_outputs, retain, create_graph, capture=inputs)
    answer = []
    for i, v in enumerate(inputs):
        found = results.get(id(v))
        if found is None:
            if not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} was not used to compute the outputs; pass "
                    "allow_unused=True to get None for it"
                )
            answer.append(None)
            continue
        g = found[1]
        answer.append(g if create_graph else g.detach())
    return tuple(answer)
