"""MP304 apply-in-loop: blocking `pool.apply(...)` called in a loop or comprehension runs the tasks
one at a time."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.facts.loops import in_loop
from mpguard.findings import Fix, Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi
from mpguard.semantic.names import receiver_text

PENDING = "pending"
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)


def _submit_all_fix(ctx: RuleContext, d: Dispatch) -> Optional[Fix]:
    """`[pool.apply(f, (x,)) for x in xs]` -> `[pending.get() for pending in
    [pool.apply_async(f, (x,)) for x in xs]]`: every task is queued before the first result is
    awaited. Unsafe: tasks now run concurrently and in any order."""
    site = d.site
    comp = site.scope.node
    if site.scope.kind != "comprehension" or not isinstance(comp, COMPREHENSIONS) or comp.elt is not site.node:
        return None
    func = site.node.func
    if not isinstance(func, cst.Attribute):
        return None
    submit_all = cst.ListComp(elt=site.node.with_changes(func=func.with_changes(attr=cst.Name("apply_async"))),
                              for_in=comp.for_in)
    collect = comp.with_changes(
        elt=cst.Call(func=cst.Attribute(value=cst.Name(PENDING), attr=cst.Name("get"))),
        for_in=cst.CompFor(target=cst.Name(PENDING), iter=submit_all))
    return ctx.fix("Submit every task with `apply_async`, then collect", Safety.UNSAFE, key="apply-async",
                   edit=MultiEdit().replace_node(comp, collect))


def check(ctx: RuleContext) -> None:
    for d in ctx.facts.calls.dispatches:
        if d.api != DispatchApi.POOL_APPLY or not in_loop(d.site) or isinstance(d.site.statement, cst.Return):
            continue  # `return pool.apply(...)` in a retry loop runs one task, not one per item
        receiver = receiver_text(d.site.node) or "pool"
        fix = _submit_all_fix(ctx, d)
        ctx.report(d.site.node, f"`{receiver}.apply()` blocks until each task is done, so the loop runs them "
                                "one at a time", fixes=[fix] if fix is not None else [])


RULE = Rule(
    code="MP304",
    summary="Blocking `Pool.apply()` in a loop or comprehension: the tasks run one after the other.",
    why="""
`Pool.apply(f, args)` sends one task and waits for its result before returning. Called in a loop
or a comprehension, each task starts only after the previous one has finished: a pool of eight
processes does the work of one, plus the cost of pickling every task. Nothing fails, the program
is just as slow as the sequential version (or slower), under every start method.
`ThreadPool.apply` has the same effect.
""",
    fix_doc="""
Send all tasks first, then collect: `pool.map(f, items)` / `pool.starmap(f, arg_tuples)`, or
`pending = [pool.apply_async(f, (x,)) for x in items]` followed by
`[p.get() for p in pending]`.

**Submit every task with `apply_async`, then collect** (unsafe, offered for comprehensions whose
element is the `apply` call): `[pool.apply(f, (x,)) for x in xs]` becomes
`[pending.get() for pending in [pool.apply_async(f, (x,)) for x in xs]]`. Results keep their
order, but the tasks now run concurrently: side effects happen in a different order, and a
failing task no longer stops the later ones from running. Loops are not rewritten.
""",
    check=check,
    name="apply-in-loop",
    severity=Severity.INFO,
    fix=Fixable.SOMETIMES,
)
