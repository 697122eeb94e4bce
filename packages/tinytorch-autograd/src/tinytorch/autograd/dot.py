"""to_dot: the graph behind a Variable as Graphviz DOT text (no dependency needed).

Paste the text into any Graphviz viewer, or run ``dot -Tpng graph.dot``.
One box per op (its backward node) and one ellipse per leaf, each with its
shape; edges point the way the forward computation went.
"""


def to_dot(variable, name="tinytorch"):
    """DOT text for the graph that produced ``variable``."""
    lines = [f"digraph {name} {{", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    ids = {}

    def node_id(obj):
        if id(obj) not in ids:
            ids[id(obj)] = f"n{len(ids)}"
        return ids[id(obj)]

    out_id = node_id(variable)
    lines.append(f'  {out_id} [label="output\\n{tuple(variable.shape)}", shape=ellipse, style=bold];')
    if variable.grad_fn is None:
        lines.append("}")
        return "\n".join(lines)
    stack, seen = [variable.grad_fn], set()
    lines.append(f"  {node_id(variable.grad_fn)} -> {out_id};")
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out = node.out_ref() if node.out_ref is not None else None
        shape = f"\\n{tuple(out.shape)}" if out is not None else ""
        lines.append(f'  {node_id(node)} [label="{node.name()}{shape}", shape=box];')
        for parent in node.inputs():
            if parent.grad_fn is not None:
                lines.append(f"  {node_id(parent.grad_fn)} -> {node_id(node)};")
                stack.append(parent.grad_fn)
            else:
                leaf = node_id(parent)
                lines.append(f'  {leaf} [label="leaf\\n{tuple(parent.shape)}", shape=ellipse];')
                lines.append(f"  {leaf} -> {node_id(node)};")
    lines.append("}")
    # a leaf used twice is declared twice: keep the first declaration only
    seen_lines, unique = set(), []
    for line in lines:
        if line not in seen_lines:
            unique.append(line)
            seen_lines.add(line)
    return "\n".join(unique)
