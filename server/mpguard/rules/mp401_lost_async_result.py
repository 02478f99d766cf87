"""MP401 lost-async-result: a worker's exception is stored in a result nobody reads."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit, statement_line_of, unique_name
from mpguard.model import Dispatch, dotted_name, get_arg
from mpguard.rules import Example, Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, ObjectType
from mpguard.valueflow import Event, trace

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

    def compute() -> Optional[str]:
        edit = MultiEdit()
        edit.replace_node(call, lambda updated: cst.Call(func=cst.Name("list"), args=[cst.Arg(updated)]))
        new = edit.apply(model.module)
        return None if new is None else new.code

    return [ctx.fix("Consume the results with `list(...)`", Safety.UNSAFE, compute, preferred=True)]


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

        def compute_comp() -> Optional[str]:
            var = unique_name(model, "future" if getter == "result" else "async_result")
            edit = MultiEdit()

            def wrap(updated):
                inner = updated if isinstance(updated, cst.ListComp) else cst.ListComp(
                    elt=updated.elt, for_in=updated.for_in)
                return cst.ListComp(
                    elt=_chain(cst.Name(var), getter),
                    for_in=cst.CompFor(target=cst.Name(var), iter=inner))

            edit.replace_node(comp, wrap)
            new = edit.apply(model.module)
            return None if new is None else new.code

        return [ctx.fix(title, Safety.UNSAFE, compute_comp, preferred=True)]
    if not isinstance(parent, cst.Expr):
        return []
    in_comprehension = site.scope.kind == "comprehension"
    if site.loop_depth == 0 and not in_comprehension:
        def compute_chain() -> Optional[str]:
            edit = MultiEdit()
            edit.replace_node(call, lambda updated: _chain(updated, getter))
            new = edit.apply(model.module)
            return None if new is None else new.code

        return [ctx.fix(title, Safety.UNSAFE, compute_chain, preferred=True)]
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

    def compute_loop() -> Optional[str]:
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
        edit.insert_after(loop, [cst.parse_statement(f"for {var} in {names}:\n    {var}.{getter}()\n")])
        new = edit.apply(model.module)
        return None if new is None else new.code

    return [ctx.fix(title, Safety.UNSAFE, compute_loop, preferred=True)]


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
    examples=(
        Example("""
from multiprocessing import Pool

def resize(path):
    raise ValueError(path)

if __name__ == "__main__":
    with Pool(4) as pool:
        for p in ["a.png", "b.png"]:
            pool.apply_async(resize, (p,))  # expect
        pool.close()
        pool.join()
""", True, "apply_async in a loop, result dropped, no error_callback"),
        Example("""
from concurrent.futures import ProcessPoolExecutor

def convert(name):
    return name.upper()

def main(files):
    with ProcessPoolExecutor() as ex:
        for f in files:
            ex.submit(convert, f)  # expect
    print("all converted")

if __name__ == "__main__":
    main(["a", "b"])
""", True, "futures dropped inside an executor"),
        Example("""
import concurrent.futures as cf

def upload(page):
    return page

def main(pages):
    with cf.ProcessPoolExecutor(max_workers=4) as ex:
        futs = [ex.submit(upload, p) for p in pages]  # expect
        done, _ = cf.wait(futs)
        print(len(done), "uploaded")

if __name__ == "__main__":
    main([1, 2, 3])
""", True, "wait() only blocks: the done set is never asked for results"),
        Example("""
from concurrent.futures import ProcessPoolExecutor

def upload(page):
    return page

if __name__ == "__main__":
    with ProcessPoolExecutor() as ex:
        ex.map(upload, range(10))  # expect
""", True, "Executor.map iterator never consumed"),
        Example("""
import multiprocessing as mp

def step(x):
    return 1 / x

def main():
    pool = mp.Pool(2)
    result = pool.map_async(step, [0, 1, 2], callback=print)  # expect
    pool.close()
    pool.join()

if __name__ == "__main__":
    main()
""", True, "stored in a name that is never read; callback but no error_callback"),
        Example("""
from multiprocessing import Pool

def resize(path):
    return path

if __name__ == "__main__":
    with Pool(4) as pool:
        [pool.apply_async(resize, (p,)) for p in ["a", "b"]]  # expect
        pool.close()
        pool.join()
""", True, "a list comprehension used as a statement"),
        Example("""
from multiprocessing import Pool

def resize(path):
    return path

if __name__ == "__main__":
    with Pool(4) as pool:
        results = [pool.apply_async(resize, (p,)) for p in ["a", "b"]]
        pool.close()
        pool.join()
    for r in results:
        print(r.get())
""", False, "results kept and .get() later in another loop"),
        Example("""
from concurrent.futures import ProcessPoolExecutor, as_completed

def convert(name):
    return name

def main(files):
    with ProcessPoolExecutor() as ex:
        futures = {ex.submit(convert, f): f for f in files}
        for fut in as_completed(futures):
            try:
                print(fut.result())
            except ValueError as exc:
                print(futures[fut], exc)

if __name__ == "__main__":
    main(["a"])
""", False, "as_completed with .result() in try/except"),
        Example("""
from multiprocessing import Pool

def work(x):
    return x

def on_error(exc):
    print("failed:", exc)

if __name__ == "__main__":
    with Pool(2) as pool:
        for i in range(3):
            pool.apply_async(work, (i,), callback=print, error_callback=on_error)
        pool.close()
        pool.join()
""", False, "callback plus error_callback"),
        Example("""
from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

if __name__ == "__main__":
    futures = []
    with ProcessPoolExecutor() as ex:
        for i in range(3):
            futures.append(ex.submit(work, i))
    total = sum(f.result() for f in futures)
    results = list(ex.map(work, range(3)))
""", False, "futures appended to a list and retrieved; list(ex.map(...))"),
        Example("""
import concurrent.futures as cf

def work(x):
    return x

def main():
    with cf.ProcessPoolExecutor() as ex:
        futs = [ex.submit(work, i) for i in range(3)]
        done, pending = cf.wait(futs, return_when=cf.FIRST_EXCEPTION)
        for f in done:
            f.result()

if __name__ == "__main__":
    main()
""", False, "wait() then .result() on the done set"),
        Example("""
from multiprocessing.pool import ThreadPool
from concurrent.futures import ThreadPoolExecutor

def work(x):
    return x

if __name__ == "__main__":
    with ThreadPool(2) as tp:
        tp.apply_async(work, (1,))
    with ThreadPoolExecutor() as tex:
        tex.submit(work, 1)
""", False, "thread pools are not process APIs"),
        Example("""
from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

def collect(fut):
    print(fut.result())

def main():
    with ProcessPoolExecutor() as ex:
        fut = ex.submit(work, 1)
        fut.add_done_callback(collect)
        return_value = ex.submit(work, 2)
        return return_value

if __name__ == "__main__":
    main()
""", False, "done callback; a future returned to the caller"),
    ),
)
