"""MP207 coroutine-to-process: an `async def` function is sent to a process pool or Process."""

from __future__ import annotations

from mpguard.facts.pickling import Worker, api_text, iter_workers
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import StartMethod, ValueKind


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    for w in iter_workers_any(model):
        d = w.dispatch
        v = w.value
        f = v.function if v.kind in (ValueKind.FUNCTION, ValueKind.METHOD) else None
        if f is None or not f.is_async:
            continue
        node = d.worker.value  # type: ignore[union-attr]
        if id(node) in reported:
            continue
        reported.add(id(node))
        ctx.report(node, f"`async def {f.name}` never runs in {api_text(d)}: only a coroutine is created",
                   related=[(f.node.name, "defined here")])


def iter_workers_any(model):
    """Workers of process APIs, whatever the start method (calling a coroutine function never
    runs it, pickled or not)."""

    seen = set()
    for w in iter_workers(model):
        seen.add(id(w.dispatch))
        yield w
    for d in model.iter_process_dispatches():
        if id(d) in seen or not d.is_process or d.worker is None:
            continue
        v = model.worker_value(d)
        through = False
        while v.kind == ValueKind.PARTIAL and v.inner is not None:
            v, through = v.inner, True
        yield Worker(d, v, d.worker.value, through, StartMethod.FORK)


RULE = Rule(
    code="MP207",
    summary="An `async def` function is sent to a process pool or `Process`: it is never awaited there.",
    why="""
Calling an `async def` function only creates a coroutine object. A pool worker calls the function,
gets the coroutine and tries to pickle it back to the parent: `TypeError: cannot pickle 'coroutine'
object` (`MaybeEncodingError` for `multiprocessing.Pool`), plus `RuntimeWarning: coroutine ... was
never awaited` — the work never ran. As a `Process` target or initializer it silently does nothing.

The errors, identical in 3.10-3.13 apart from the addresses (checked by running the failing case on CPython 3.10-3.13):

- `Pool.map`: `multiprocessing.pool.MaybeEncodingError: Error sending result: '[<coroutine object
  serve at 0x...>]'. Reason: 'TypeError("cannot pickle 'coroutine' object")'`
- `ProcessPoolExecutor.submit(...).result()`: `TypeError: cannot pickle 'coroutine' object`
- both also print `RuntimeWarning: coroutine 'serve' was never awaited` in the worker.
""",
    fix_doc="""
Send a module-level sync wrapper that runs the coroutine in the child:
`def fetch_sync(url): return asyncio.run(fetch(url))`.
""",
    check=check,
    name="coroutine-to-process",
    severity=Severity.ERROR,
    crash_class=True,
)
