"""The ``tinytorch`` command: which plugin serves each op, and checking a plugin's kernels.

    tinytorch ops                  each op, the plugin serving it, what it shadows
    tinytorch plugins              the registered plugins and where they come from
    tinytorch layers               each layer of tinytorch.nn and the plugin providing it
    tinytorch check MODULE[:OBJ]   register a plugin, check_kernel every kernel it provides
"""

import argparse
import importlib
import sys

from .plugins import OPS, OpRegistry, check_kernel, manager


def _table(rows, headers):
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def cmd_ops(args, out):
    resolved = manager.resolve()
    rows = []
    for name, spec in OPS.items():
        providers = resolved.get(name, [])
        winner = providers[0].plugin if providers else "(none)"
        shadowed = ", ".join(p.plugin for p in providers[1:]) or "-"
        rows.append((name, spec.family, winner, shadowed))
    print(_table(rows, ("op", "family", "served by", "shadows")), file=out)
    return 0


def cmd_plugins(args, out):
    manager.resolve()  # loads entry-point plugins
    dists = {id(plugin): dist for plugin, dist in manager.list_plugin_distinfo()}
    rows = []
    for name, plugin in manager.list_name_plugin():
        if plugin is None:
            rows.append((name, "(blocked)", "-"))
            continue
        dist = dists.get(id(plugin))
        source = f"{dist.project_name} {dist.version}" if dist else getattr(plugin, "__name__", type(plugin).__name__)
        hooks = ", ".join(sorted(h.name for h in manager.get_hookcallers(plugin) or []))
        rows.append((name, source, hooks or "-"))
    print(_table(rows, ("plugin", "from", "hooks")), file=out)
    return 0


def cmd_layers(args, out):
    manager.load_plugins()
    kind = next((k for k in manager.registries() if k.hook == "tinytorch_register_layers"), None)
    if kind is None:
        print("no layers: they come with tinytorch-nn (pip install tinytorch-nn)", file=out)
        return 1
    resolved = manager.collect(kind)
    rows = [
        (name, providers[0].plugin, ", ".join(p.plugin for p in providers[1:]) or "-")
        for name, providers in sorted(resolved.items())
    ]
    print(_table(rows, ("layer", "provided by", "shadows")), file=out)
    return 0


def _load_plugin(target):
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def cmd_check(args, out):
    if "" not in sys.path:
        sys.path.insert(0, "")  # a plugin module in the current directory
    try:
        plugin = _load_plugin(args.target)
    except (ImportError, AttributeError) as error:
        print(f"tinytorch check: cannot load {args.target!r}: {error}", file=sys.stderr)
        return 2
    registered_here = not manager.is_registered(plugin)
    if registered_here:
        manager.register(plugin, name=args.target)
    try:
        return _check_registered(plugin, args, out)
    finally:
        if registered_here:  # leave the session as it was (main() may run inside Python)
            manager.unregister(plugin)


def _check_registered(plugin, args, out):
    provided = manager.provided_by(plugin, OpRegistry)
    if not provided:
        print(f"tinytorch check: {args.target!r} registers no kernels (no tinytorch_register_ops)", file=out)
        return 1
    rows, reports = [], []
    for name, fn in provided.items():
        report = check_kernel(name, fn)
        reports.append(report)
        passed = len(report.cases) - len(report.failures)
        rows.append((name, getattr(fn, "__name__", "?"), f"{passed}/{len(report.cases)}",
                     "PASS" if report.ok else "FAIL"))
    print(_table(rows, ("op", "kernel", "cases", "result")), file=out)
    for report in reports:
        if not report.ok:
            print("\n" + str(report), file=out)
    return 0 if all(r.ok for r in reports) else 1


def build_parser():
    parser = argparse.ArgumentParser(prog="tinytorch", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("ops", help="each op, the plugin serving it, and what it shadows")
    commands.add_parser("plugins", help="the registered plugins")
    commands.add_parser("layers", help="each layer of tinytorch.nn and the plugin providing it")
    check = commands.add_parser("check", help="check every kernel a plugin provides")
    check.add_argument("target", metavar="MODULE[:OBJECT]", help="the plugin to check")
    return parser


def main(argv=None, out=None):
    args = build_parser().parse_args(argv)
    out = out or sys.stdout
    commands = {"ops": cmd_ops, "plugins": cmd_plugins, "layers": cmd_layers, "check": cmd_check}
    try:
        return commands[args.command](args, out)
    except BrokenPipeError:  # `tinytorch ops | head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
