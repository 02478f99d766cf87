"""MP401 lost-async-result: a worker's exception is stored in a result nobody reads."""

from __future__ import annotations


import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.facts.futures import Event, trace
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit, statement_line_of, unique_name
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, ObjectType
from mpguard.semantic.names import dotted_name, get_arg

FUTURE_APIS = {
    DispatchApi.POOL_APPLY_ASYNC, DispatchApi.POOL_MAP_ASYNC, DispatchApi.POOL_STARMAP_ASYNC,
    DispatchApi.EXECUTOR_SUBMIT,
}
ITERATOR_APIS = {DispatchApi.EXECUTOR_MAP, DispatchApi.POOL_IMAP, DispatchApi.POOL_IMAP_UNORDERED}
RETRIEVE = {"get", "result", "exception", "successful"}
NEUTRAL = {"done", "running", "cancelled", "cancel", "ready", "wait"}


def future_handled(events: list[Event]) -> bool:
    """Does any use of a future / AsyncResult re-raise (or possibly re-raise) its exception?"""
    for e in events:
        if e.kind in ("escape", "as_completed", "consume"):
            return True
        if e.kind == "attr" and (e.attr in RETRIEVE or e.attr not in NEUTRAL):
            return True
    return False


def iterator_handled(events: list[Event]) -> bool:
    return any(e.kind not in ("neutral", "wait") for e in events)


def _callee(call: cst.Call) -> str:
    name = dotted_name(call.func)
    return f"`{name}(...)`" if name else "this call"


def _worker_name(d: Dispatch) -> str:
    if d.worker is not None:
        name = dotted_name(d.worker.value)
        if name:
            return f"`{name}`"
    return "the worker"


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for d in model.iter_process_dispatches():
        if not d.is_process or d.receiver.qualname == ObjectType.PROCESS:
            continue
        if d.api not in FUTURE_APIS and d.api not in ITERATOR_APIS:
            continue
        call = d.site.node
        if d.api.startswith("pool.") and d.api in FUTURE_APIS:
            if get_arg(call, "error_callback", 4) is not None:
                continue
        events = trace(model, call, d.site.scope)
        worker = _worker_name(d)
        parent = model.parents.get(id(call))
        if isinstance(parent, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
            parent = model.parents.get(id(parent))
        discarded = not events and isinstance(parent, cst.Expr)
        if d.api in ITERATOR_APIS:
            if iterator_handled(events):
                continue
            message = (
                f"The iterator of {_callee(call)} is never consumed: errors in {worker} are lost"
            )
            fixes = _iterator_fixes(ctx, call, discarded)
            ctx.report(call, message, fixes=fixes)
            continue
        if future_handled(events):
            continue
        what = "Future" if d.api == DispatchApi.EXECUTOR_SUBMIT else "AsyncResult"
        getter = "result" if d.api == DispatchApi.EXECUTOR_SUBMIT else "get"
        if discarded:
            lead = f"{what} of {_callee(call)} is discarded"
        else:
            lead = f"{what} of {_callee(call)} never reaches `.{getter}()`"
        message = f"{lead}: errors in {worker} are lost"
        fixes = _future_fixes(ctx, d, getter) if discarded else []
        if not discarded and not events:
            message = message.replace("never reaches", "is stored but never reaches", 1)
        ctx.report(call, message, fixes=fixes)


# ---- fixes ---------------------------------------------------------------------------------

def _chain(call: cst.BaseExpression, method: str) -> cst.Call:
    return cst.Call(func=cst.Attribute(value=call, attr=cst.Name(method)))


def _iterator_fixes(ctx: RuleContext, call: cst.Call, discarded: bool):
    model = ctx.model
    parent = model.parents.get(id(call))
    if not (discarded and isinstance(parent, cst.Expr)):
        return []

    edit = MultiEdit().replace_node(
        call, lambda updated: cst.Call(func=cst.Name("list"), args=[cst.Arg(updated)]))
    return [ctx.fix("Consume the results with `list(...)`", Safety.UNSAFE, edit, preferred=True)]


def _future_fixes(ctx: RuleContext, d: Dispatch, getter: str):
    model = ctx.model
    site = d.site
    call = site.node
    parent = model.parents.get(id(call))
    title = f"Keep the results and call `.{getter}()`"
    # `[pool.apply_async(f, (x,)) for x in xs]` as a statement.
    if isinstance(parent, (cst.ListComp, cst.GeneratorExp)) and parent.elt is call:
        comp = parent
        if not isinstance(model.parents.get(id(comp)), cst.Expr):
            return []

        def plan_comp() -> MultiEdit:
            var = unique_name(model, "future" if getter == "result" else "async_result")

            def wrap(updated):
                inner = updated if isinstance(updated, cst.ListComp) else cst.ListComp(
                    elt=updated.elt, for_in=updated.for_in)
                return cst.ListComp(
                    elt=_chain(cst.Name(var), getter),
                    for_in=cst.CompFor(target=cst.Name(var), iter=inner))

            return MultiEdit().replace_node(comp, wrap)

        return [ctx.fix(title, Safety.UNSAFE, plan_comp, preferred=True)]
    if not isinstance(parent, cst.Expr):
        return []
    in_comprehension = site.scope.kind == "comprehension"
    if site.loop_depth == 0 and not in_comprehension:
        edit = MultiEdit().replace_node(call, lambda updated: _chain(updated, getter))
        return [ctx.fix(title, Safety.UNSAFE, edit, preferred=True)]
    # Inside a `for` loop: collect the results, retrieve them after the loop.
    root = model.module.body[site.top_index] if site.top_index >= 0 else None
    if root is None:
        return []
    found = statement_line_of(root, parent)
    if found is None:
        return []
    line, ancestors = found
    if not (isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and len(ancestors) >= 2):
        return []
    block, loop = ancestors[-1], ancestors[-2]
    if not (isinstance(block, cst.IndentedBlock) and isinstance(loop, cst.For)
            and loop.asynchronous is None and loop.orelse is None):
        return []

    def plan_loop() -> MultiEdit:
        plural = "futures" if getter == "result" else "async_results"
        single = "future" if getter == "result" else "async_result"
        names = unique_name(model, plural)
        var = unique_name(model, single)
        edit = MultiEdit()
        edit.replace_node(parent, lambda updated: cst.Expr(cst.Call(
            func=cst.Attribute(value=cst.Name(names), attr=cst.Name("append")),
            args=[cst.Arg(updated.value)])))
        init = cst.parse_statement(f"{names} = []\n")
        init = init.with_changes(leading_lines=loop.leading_lines)
        edit.replace_node(loop, lambda updated: updated.with_changes(leading_lines=()))
        edit.insert_before(loop, [init])
        return edit.insert_after(loop, [cst.parse_statement(f"for {var} in {names}:\n    {var}.{getter}()\n")])

    return [ctx.fix(title, Safety.UNSAFE, plan_loop, preferred=True)]


RULE = Rule(
    code="MP401",
    summary="An async result or future is never retrieved: exceptions raised in the worker vanish.",
    why="""
`apply_async`, `map_async`, `starmap_async` and `Executor.submit` return an object that holds the
worker's return value **or its exception**. Only `.get()` (AsyncResult) or `.result()` /
`.exception()` (Future) re-raise it in the parent. If the object is discarded, or only passed to
`concurrent.futures.wait()` (which waits but never re-raises), a worker that raises fails
silently: the script prints success while some tasks did nothing. Likewise, `Executor.map`
returns an iterator that raises a task's exception only when that result is read; an iterator that
is never consumed hides every failure.

Nothing raises, under any start method or Python version: that is the problem.
""",
    fix_doc="""
**Keep the results and call `.get()`/`.result()`** (unsafe). Keep the results and retrieve them: collect the futures in a list and call `.result()` on each
after the loop (or iterate `concurrent.futures.as_completed(...)`), call `.get()` on each
AsyncResult, or pass `error_callback=` to `apply_async`/`map_async`. Consume `Executor.map` with
`list(...)` or a `for` loop. The quick fix does this for the common shapes (unsafe: the script now
raises the worker's exception instead of ignoring it). Converting a `Pool` to a
`ProcessPoolExecutor` (whose `result()` re-raises with the child's traceback) is offered on MP402.
""",
    check=check,
    name="lost-async-result",
    severity=Severity.WARNING,
    fix=Fixable.SOMETIMES,
)
