"""MP209 context-mismatch: a lock/queue made in a `fork` context is given to spawned processes."""

from __future__ import annotations

from mpguard.facts.pickling import inherited_payload, when_pickled
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, ObjectType, StartMethod

_PRIMITIVES = (ObjectType.MP_SYNC, ObjectType.MP_QUEUE, ObjectType.SHARED)


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for d in model.iter_process_dispatches():
        child_method = when_pickled(model, d)
        if child_method is None or d.api not in ("process", DispatchApi.POOL_INIT, DispatchApi.EXECUTOR_INIT):
            continue
        for expr in inherited_payload(model, d):
            v = model.resolve(expr, d.site.scope, d.site.seq)
            if not v.is_type(*_PRIMITIVES):
                continue
            made_with = model.start_method_of(v)
            if made_with != StartMethod.FORK:
                continue
            ctx.report(
                expr,
                f"This {'queue' if v.qualname == 'mp.queue' else 'lock/shared value'} comes from the `fork` "
                f"context but goes to a `{child_method}` process",
                related=[(v.node, "created here")] if v.node is not None else [],
            )


RULE = Rule(
    code="MP209",
    summary="A multiprocessing lock/queue from the `fork` context is passed to spawned processes.",
    why="""
Locks, semaphores and queues remember the context that made them. One made by the `fork` context
(explicitly, or as the default context after `set_start_method("fork")`) cannot be pickled for a
child started with `spawn` or `forkserver`: `RuntimeError: A SemLock created in a fork context is
being shared with a process in a spawn context. This is not supported.` (older Pythons crashed).

The error, 3.11-3.13 (checked by running the failing case on CPython 3.10-3.13): `RuntimeError: A SemLock created in a fork context is being
shared with a process in a spawn context. This is not supported. Please use the same context to
create multiprocessing objects and Process.` Python 3.10 has no such check: the same program ran
without an error on Linux there, sharing a semaphore that was never meant to cross contexts.
""",
    fix_doc="""
Create the primitives from the same context object as the processes: `ctx = get_context("spawn")`,
then `ctx.Lock()`, `ctx.Queue()` and `ctx.Process(...)`.
""",
    check=check,
    name="context-mismatch",
    severity=Severity.WARNING,
    crash_class=True,
)
