"""MP604 join-without-close: `pool.join()` on a pool that was never closed or terminated."""

from __future__ import annotations

import libcst as cst

from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType


def check(ctx: RuleContext) -> None:
    for join in ctx.facts.pools.joins:
        if join.after_with_exit or join.closed_before is not False or join.escapes_before:
            continue
        site, recv, pool = join.site, join.receiver, join.pool
        kind = ObjectType.THREAD_POOL if pool.is_type(ObjectType.THREAD_POOL) else "Pool"
        message = f"`{recv}.join()` while the {kind} still accepts work raises `ValueError`"
        fixes = []
        statement = site.statement
        if isinstance(statement, cst.BaseSmallStatement) and statement is not None:
            fixes.append(ctx.fix(f"Insert `{recv}.close()`", Safety.SAFE, preferred=True, key="insert-close",
                                 edit=MultiEdit().insert_small_before(statement, f"{recv}.close()\n")))
        related = []
        if pool.node is not None:
            related.append((pool.node, "the pool is created here"))
        ctx.report(site.node, message, fixes=fixes, related=related)


RULE = Rule(
    code="MP604",
    summary="`Pool.join()` without a preceding `close()` or `terminate()` raises `ValueError`.",
    why="""
`multiprocessing.Pool.join()` waits for the worker processes to exit, which they only do once the
pool has been told that no more work is coming. It therefore checks the pool's state first and
raises `ValueError: Pool is still running` when neither `close()` nor `terminate()` was called.
The same holds for `multiprocessing.pool.ThreadPool`. (`Process.join()` and
`ProcessPoolExecutor`, which has no `join`, are not concerned.)

The exception, identical in 3.10-3.13 (checked by running the failing case on CPython 3.10-3.13): `ValueError: Pool is still running`. The results
computed so far are lost with it, under every start method.
""",
    fix_doc="""
**Insert `pool.close()`** (safe): adds `<pool>.close()` on its own line right before the
`join()`, with the same indentation. Better still, use the pool as a context manager.
""",
    check=check,
    name="join-without-close",
    severity=Severity.ERROR,
    fix=Fixable.SOMETIMES,
    crash_class=True,
)
