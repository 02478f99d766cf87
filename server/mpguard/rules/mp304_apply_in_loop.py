"""MP304 apply-in-loop: blocking `pool.apply(...)` (or `executor.submit(...).result()` on a process
pool) called in a loop or comprehension runs the tasks one at a time."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.facts.futures import trace
from mpguard.facts.loops import holds, in_loop, innermost_loop
from mpguard.findings import Fix, Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, ObjectType
from mpguard.semantic.names import get_arg, receiver_text
from mpguard.semantic.records import Value

PENDING = "pending"
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp)


def _submit_all_fix(ctx: RuleContext, d: Dispatch, waiting: cst.Call) -> Optional[Fix]:
    """`[pool.apply(f, (x,)) for x in xs]` -> `[pending.get() for pending in
    [pool.apply_async(f, (x,)) for x in xs]]`, and `[ex.submit(f, x).result() for x in xs]` ->
    `[pending.result() for pending in [ex.submit(f, x) for x in xs]]`: every task is queued
    before the first result is awaited. Unsafe: tasks now run concurrently and in any order."""
    site = d.site
    comp = site.scope.node
    if site.scope.kind != "comprehension" or not isinstance(comp, COMPREHENSIONS) or comp.elt is not waiting:
        return None
    func = site.node.func
    if not isinstance(func, cst.Attribute):
        return None
    if waiting is site.node:  # pool.apply(...)
        submitted = site.node.with_changes(func=func.with_changes(attr=cst.Name("apply_async")))
        collect = cst.Call(func=cst.Attribute(value=cst.Name(PENDING), attr=cst.Name("get")))
        title, key = "Submit every task with `apply_async`, then collect", "apply-async"
    else:  # executor.submit(...).result(...): keep the arguments of `result` (a timeout)
        submitted = site.node
        collect = waiting.with_changes(func=cst.Attribute(value=cst.Name(PENDING), attr=cst.Name("result")))
        title, key = "Submit every task first, then collect the results", "submit-all"
    submit_all = cst.ListComp(elt=submitted, for_in=comp.for_in)
    rewritten = comp.with_changes(elt=collect, for_in=cst.CompFor(target=cst.Name(PENDING), iter=submit_all))
    return ctx.fix(title, Safety.UNSAFE, key=key, edit=MultiEdit().replace_node(comp, rewritten))


def _one_worker(pool: Value) -> bool:
    """`Pool(1)` / `ProcessPoolExecutor(max_workers=1)`: one worker runs the tasks one at a time
    anyway (a pool used to isolate each task in another process, not to run them in parallel)."""
    if not isinstance(pool.node, cst.Call):
        return False
    param = "processes" if pool.is_type(ObjectType.POOL, ObjectType.THREAD_POOL) else "max_workers"
    size = get_arg(pool.node, param, 0)
    return size is not None and isinstance(size.value, cst.Integer) and size.value.value == "1"


def _waiting_call(ctx: RuleContext, d: Dispatch) -> Optional[cst.Call]:
    """The call that blocks on the dispatched task: `pool.apply(...)` itself, or the `.result()`
    called right on `executor.submit(...)` of a process pool (thread pools are not process APIs)."""
    if d.api == DispatchApi.POOL_APPLY:
        return d.site.node
    if d.api != DispatchApi.EXECUTOR_SUBMIT or not d.is_process:
        return None
    attribute = d.site.parent
    if not (isinstance(attribute, cst.Attribute) and attribute.attr.value == "result"):
        return _stored_future_waited(ctx, d)
    waiting = ctx.model.parents.get(id(attribute))
    return waiting if isinstance(waiting, cst.Call) and waiting.func is attribute else None


def _stored_future_waited(ctx: RuleContext, d: Dispatch) -> Optional[cst.Call]:
    """`future = ex.submit(f, x)` whose only uses are `future.result()` later in the same loop
    iteration: the same wait, in two statements. Any other use (stored, `cancel()`, `done()`,
    `as_completed`) is not this pattern."""
    site = d.site
    statement = site.statement
    if not (isinstance(statement, cst.Assign) and statement.value is site.node and site.loop_depth > 0):
        return None
    events = trace(ctx.model, site.node, site.scope)
    waits = [e.call for e in events if e.kind == "attr" and e.attr == "result" and e.call is not None]
    loop = innermost_loop(site.function.node if site.function is not None else ctx.model.module, statement)
    if not waits or len(waits) != len(events) or loop is None:
        return None
    for call in waits:
        wait_site = ctx.facts.calls.site_of(call)
        if wait_site is None or wait_site.seq < site.seq or not holds(loop.body, call):
            return None
    return waits[0]


def _returned(ctx: RuleContext, waiting: cst.Call) -> bool:
    site = ctx.facts.calls.site_of(waiting)
    return site is not None and isinstance(site.statement, cst.Return)


def check(ctx: RuleContext) -> None:
    for d in ctx.facts.calls.dispatches:
        waiting = _waiting_call(ctx, d)
        if waiting is None or not in_loop(d.site) or _returned(ctx, waiting):
            continue  # `return pool.apply(...)` in a retry loop runs one task, not one per item
        if _one_worker(d.receiver):
            continue
        receiver = receiver_text(d.site.node) or "pool"
        fix = _submit_all_fix(ctx, d, waiting)
        if waiting is d.site.node:
            message = f"`{receiver}.apply()` blocks until each task is done, so the loop runs them one at a time"
        elif waiting.func is not d.site.parent:  # `future.result()` on a future stored by `submit`
            message = f"`{receiver_text(waiting) or 'future'}.result()` waits for each task in turn, so the loop " \
                      "runs them one at a time"
        else:
            message = f"`{receiver}.submit().result()` waits for each task in turn, so the loop runs them one at a time"
        ctx.report(waiting, message, fixes=[fix] if fix is not None else [])


RULE = Rule(
    code="MP304",
    summary="Blocking `Pool.apply()` or `executor.submit().result()` in a loop or comprehension: the "
            "tasks run one after the other.",
    why="""
`Pool.apply(f, args)` sends one task and waits for its result before returning. Called in a loop
or a comprehension, each task starts only after the previous one has finished: a pool of eight
processes does the work of one, plus the cost of pickling every task. Nothing fails, the program
is just as slow as the sequential version (or slower), under every start method.
`ThreadPool.apply` has the same effect.

`executor.submit(f, x).result()` on a `ProcessPoolExecutor` (or an `InterpreterPoolExecutor`)
does the same: `result()` waits for the task just submitted, so the next one is submitted only
after it finished. A `ThreadPoolExecutor` is not reported: it starts no process and pickles
nothing (mpguard treats thread pools as not a process API), and a thread executor waited on in a
loop is often a deliberate dedicated thread. The same wait in two statements is reported too:
`future = ex.submit(f, x)` whose only uses are `future.result()` later in the same iteration.
A future that is stored, cancelled on a timeout, passed on, or waited on after the loop is not.

Not reported: a pool with exactly one worker (`Pool(1)`, `ProcessPoolExecutor(max_workers=1)`),
which runs tasks one at a time anyway and is used to isolate each task in another process, and
`return pool.apply(...)` / `return ex.submit(...).result()` in a retry loop (one task, not one
per item).
""",
    fix_doc="""
Send all tasks first, then collect: `pool.map(f, items)` / `pool.starmap(f, arg_tuples)`, or
`pending = [pool.apply_async(f, (x,)) for x in items]` followed by
`[p.get() for p in pending]`; for an executor, `list(executor.map(f, items))` or
`futures = [executor.submit(f, x) for x in items]` followed by `[f.result() for f in futures]`.

**Submit every task with `apply_async`, then collect** (unsafe, offered for comprehensions whose
element is the `apply` call): `[pool.apply(f, (x,)) for x in xs]` becomes
`[pending.get() for pending in [pool.apply_async(f, (x,)) for x in xs]]`. Results keep their
order, but the tasks now run concurrently: side effects happen in a different order, and a
failing task no longer stops the later ones from running. Loops are not rewritten.

**Submit every task first, then collect the results** (unsafe, the same for a comprehension
whose element is `executor.submit(...).result(...)`): `[ex.submit(f, x).result() for x in xs]`
becomes `[pending.result() for pending in [ex.submit(f, x) for x in xs]]`; the arguments of
`result` (a timeout) are kept.
""",
    check=check,
    name="apply-in-loop",
    severity=Severity.INFO,
    fix=Fixable.SOMETIMES,
)
