"""MP206 worker-defined-under-guard: a worker defined inside `if __name__ == "__main__":` does not
exist in spawned children, which import the main module as `__mp_main__`."""

from __future__ import annotations

from typing import Optional, Union

import libcst as cst

from mpguard.facts.pickling import iter_workers
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.fixes import hoist
from mpguard.rules import Applies, Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ValueKind
from mpguard.semantic.records import ClassInfo, FunctionInfo, Scope

TITLE = "Move function to module level"
CLASS_TITLE = "Move class to module level"


def _guarded_def(f: Optional[FunctionInfo]) -> bool:
    return f is not None and f.guarded and f.defining_scope.kind == "module"


def _guarded_class(c: Optional[ClassInfo]) -> bool:
    return c is not None and c.guarded and c.defining_scope.kind == "module"


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    workers: list[FunctionInfo] = []
    for w in iter_workers(model):
        d = w.dispatch
        method = model.start_method_of(d.receiver)
        if not ctx.applies_under(method):
            continue
        v = w.value
        node = d.worker.value  # type: ignore[union-attr]
        if v.kind in ("function", "method") and v.function is not None and v.class_info is None:
            workers.append(v.function)
        elif v.kind == ValueKind.METHOD and v.function is not None:
            workers.append(v.function)
        if id(node) in reported:
            continue
        if v.kind == "function" and _guarded_def(v.function):
            f = v.function
            assert f is not None
            reported.add(id(node))
            fix = _move_fix(ctx, f.node, f.name, f.scope, f.top_index, TITLE)
            ctx.report(node, f"Worker `{f.name}` is defined under the `__main__` guard, so `{method}` "
                             "children lack it",
                       fixes=[fix] if fix else [], related=[(f.node.name, "defined under the guard here")])
        elif v.kind in (ValueKind.CLASS, ValueKind.INSTANCE, ValueKind.METHOD) and _guarded_class(v.class_info):
            cls = v.class_info
            assert cls is not None
            reported.add(id(node))
            fix = _move_fix(ctx, cls.node, cls.name, cls.scope, cls.top_index, CLASS_TITLE)
            ctx.report(node, f"Class `{cls.name}` is defined under the `__main__` guard, so `{method}` "
                             "children lack it",
                       fixes=[fix] if fix else [], related=[(cls.node.name, "defined under the guard here")])
    # Process subclasses defined under the guard.
    for d in model.iter_process_dispatches():
        cls = d.receiver.class_info
        if d.api != "process" or not _guarded_class(cls) or id(d.site.node) in reported:
            continue
        method = model.start_method_of(d.receiver)
        if not ctx.applies_under(method):
            continue
        assert cls is not None
        reported.add(id(d.site.node))
        fix = _move_fix(ctx, cls.node, cls.name, cls.scope, cls.top_index, CLASS_TITLE)
        ctx.report(d.site.node, f"`Process` subclass `{cls.name}` is defined under the `__main__` guard, "
                                f"so `{method}` children lack it",
                   fixes=[fix] if fix else [], related=[(cls.node.name, "defined under the guard here")])
    # Module-level workers that call functions defined under the guard: NameError in the child.
    seen: set[int] = set()
    for worker in workers:
        for h in model.transitive_callees(worker):
            if id(h) in seen:
                continue
            seen.add(id(h))
            for site in h.calls:
                for g in model.called_functions(site):
                    if g is h or not _guarded_def(g) or id(site.node) in reported:
                        continue
                    reported.add(id(site.node))
                    fix = _move_fix(ctx, g.node, g.name, g.scope, g.top_index, TITLE)
                    ctx.report(site.node, f"Worker `{h.name}` calls `{g.name}`, defined under the `__main__` "
                                          "guard, so spawned children lack it",
                               fixes=[fix] if fix else [], related=[(g.node.name, "defined under the guard here")])


def _move_fix(ctx: RuleContext, node: Union[cst.FunctionDef, cst.ClassDef], name: str, own: Scope,
              top_index: int, title: str):
    """Move the definition (decorators and comments included) just above the guard, when it needs
    no name that exists only inside the guard."""
    model = ctx.model
    if top_index < 0 or not hoist.is_guard(model.module.body[top_index]):
        return None
    if len(model.module_scope.bindings.get(name, [])) != 1:
        return None
    if [n for n in hoist.guard_only_names(model, own) if n != name]:
        return None
    if hoist.header_problem(model, node, model.module_scope, leaving_guard=True):
        return None

    edit = MultiEdit().move_out(node).at_top_level(hoist.InsertTopLevel(top_index, (node,)))
    return ctx.fix(title, Safety.SAFE, edit, preferred=True)


RULE = Rule(
    code="MP206",
    summary="A worker is defined inside `if __name__ == \"__main__\":`, where spawned children cannot find it.",
    why="""
pickle sends a function as a reference (`__main__.summarize`). Under `spawn` (and `forkserver`) a
child starts a fresh interpreter and imports the main script as `__mp_main__` — with the guard body
skipped, which is the point of the guard. A worker function or class defined inside the guard
therefore does not exist in the child, and unpickling the task fails with `AttributeError: Can't get
attribute 'summarize' on <module '__mp_main__'>` (a `Pool` then keeps replacing dying workers and
can hang; a `ProcessPoolExecutor` raises `BrokenProcessPool`). Module-level workers that *call* a
function defined under the guard fail with `NameError` in the child. Under `fork` the child is a copy
of the parent and this works, which is why it often breaks only on Windows/macOS.

The errors, identical in 3.10-3.13 (checked by running the failing case on CPython 3.10-3.13):
`AttributeError: Can't get attribute 'work' on <module '__mp_main__' from '/path/to/script.py'>`
for the worker itself, `NameError: name 'normalize' is not defined` for a helper it calls.
""",
    fix_doc="""
**Move function to module level** (safe): the `def` (or `class`), with its decorators and comments,
moves out of the guard to just above it. Not offered when it reads names that are assigned only
inside the guard (pass those as arguments instead).
""",
    check=check,
    name="worker-defined-under-guard",
    severity=Severity.ERROR,
    fix=Fixable.SOMETIMES,
    applies=Applies.spawned_children(),
    crash_class=True,
)
