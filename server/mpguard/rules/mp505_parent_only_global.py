"""MP505 parent-only-global: a global assigned only in the parent at run time and read by workers
that run under spawn/forkserver."""

from __future__ import annotations

from typing import Optional

from mpguard.facts.frames import WorkerRun, call_chains, process_workers
from mpguard.rules import Applies, Rule, RuleContext, Severity
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.records import Binding, FunctionInfo, Scope, Use, frame_of

ASSIGN_KINDS = ("assign", "augassign", "for", "with")


def _scopes_of(model: ModuleModel, f: FunctionInfo) -> list[Scope]:
    return [s for s in model.scopes if frame_of(s) is f.scope]


def _module_read(model: ModuleModel, f: FunctionInfo, name: str) -> Optional[Use]:
    for s in _scopes_of(model, f):
        for use in s.loads.get(name, []):
            target = s.lookup_scope(name)
            if target is not None and target.kind == "module":
                return use
    return None


def _parent_functions(model: ModuleModel, runs: list[WorkerRun], children: set[int]) -> set[int]:
    """Functions that run in the parent at run time: called from the guard, or on a call chain that
    leads to a dispatch (minus code run in children or at import time)."""
    out = set(model.functions_run_from_guard())
    for run in runs:
        for chain in call_chains(model, run.dispatch.site):
            for site in chain:
                if site.function is not None:
                    out.add(id(site.function))
    return out - children - model.functions_run_at_import()


def _import_time_value(model: ModuleModel, name: str) -> Optional[Binding]:
    for b in model.module_scope.bindings.get(name, []):
        if b.toplevel and not b.guarded and b.scope is model.module_scope:
            return b
    return None


def check(ctx: RuleContext) -> None:
    model = ctx.model
    runs = process_workers(model, roles=("task", "target"))
    if not runs:
        return
    inits = process_workers(model, roles=("initializer",))
    children: set[int] = set()
    for r in (*runs, *inits):
        children.update(id(f) for f in r.reach)
    parent_funcs = _parent_functions(model, runs, children)

    # module-level names assigned in the parent at run time, with their first such assignment
    assigned: dict[str, tuple[Binding, str]] = {}
    child_assigned: set[str] = set()
    for name, bindings in model.module_scope.bindings.items():
        for b in bindings:
            if b.kind not in ASSIGN_KINDS:
                continue
            scope = b.scope
            if scope is model.module_scope:
                if b.guarded and name not in assigned:
                    assigned[name] = (b, "under the `__main__` guard")
                continue
            f = scope.function if scope is not None else None
            if f is None:
                continue
            if id(f) in children:
                child_assigned.add(name)
            elif id(f) in parent_funcs and name not in assigned:
                assigned[name] = (b, f"in `{f.name}()`")
    for name, (b, where) in sorted(assigned.items(), key=lambda kv: kv[1][0].seq):
        if name in child_assigned:
            continue  # the child sets it itself (initializer, lazy init in the worker)
        for run in (*runs, *inits):
            method = model.start_method_of(run.dispatch.receiver)
            if not ctx.applies_under(method):
                continue
            read = next(((f, u) for f in run.reach if id(f) not in parent_funcs and not f.guarded
                         for u in [_module_read(model, f, name)] if u is not None), None)
            if read is None:
                continue
            f, use = read
            initial = _import_time_value(model, name)
            if initial is None:
                message = f"`{name}` is set only in the parent at run time, so `{method}` workers lack it"
            else:
                message = f"`{name}` is set only in the parent at run time, so `{method}` workers see its old value"
            role = "initializer" if run.dispatch.worker_role == "initializer" else "worker"
            ctx.report(b.node, message, related=[(use.node, f"read in the {role} here")])
            break


RULE = Rule(
    code="MP505",
    summary="A global set only in the parent at run time is read by spawned workers, which never see it.",
    why="""
With the `spawn` and `forkserver` start methods a child does not inherit the parent's memory: it
starts a new interpreter, imports the main module again (as `__mp_main__`, so the
`if __name__ == "__main__":` block does not run) and unpickles the task. A module-level variable
that the parent assigned at run time - `global SETTINGS; SETTINGS = load()` in `main()`, or a plain
assignment under the guard - therefore has its import-time value in every child (often `None`,
giving `TypeError: 'NoneType' object is not subscriptable`), or does not exist at all
(`NameError`). Under `fork` the child gets a copy of the parent's memory and sees the value, which
is why such code works on Linux < 3.14 and breaks on Windows, macOS and Python 3.14+.

Not reported: values passed to the worker as arguments, globals set in each child by an
`initializer` (or lazily by the worker itself), and processes started with `fork`.
""",
    fix_doc="""
Pass the value to the worker explicitly (`pool.map(partial(work, settings=settings), items)`,
`Process(args=(settings,))`), or set the global in every child with
`Pool(initializer=init, initargs=(settings,))` where `init` does `global SETTINGS; SETTINGS = ...`.
""",
    check=check,
    name="parent-only-global",
    severity=Severity.WARNING,
    applies=Applies.spawned_children(),
)
