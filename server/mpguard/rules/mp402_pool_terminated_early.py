"""MP402 pool-terminated-early: `with Pool(...)` exits (terminate()) before async work is retrieved."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.futures import Event, position_within, trace
from mpguard.findings import Safety
from mpguard.fixes.pool_to_executor import can_convert_pool, find_with, pool_conversion
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import DispatchApi, ObjectType, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name
from mpguard.semantic.records import CallSite

ASYNC_APIS = {
    DispatchApi.POOL_APPLY_ASYNC, DispatchApi.POOL_MAP_ASYNC, DispatchApi.POOL_STARMAP_ASYNC,
    DispatchApi.POOL_IMAP, DispatchApi.POOL_IMAP_UNORDERED,
}
CONVERT_TITLE = "Convert Pool to ProcessPoolExecutor"


def pool_with_item(model: ModuleModel, site: CallSite, receiver) -> Optional[cst.WithItem]:
    """The enclosing `with` item that created (or manages) the receiving pool."""
    for item in reversed(site.with_items):
        v = model.resolve(item.item, site.scope, site.seq)
        if v.is_type(ObjectType.POOL) and receiver.node is not None and v.node is receiver.node:
            return item
    return None


def closed_and_joined(model: ModuleModel, with_node: cst.With, item: cst.WithItem, receiver) -> bool:
    """`p.close()` (or terminate) and `p.join()` are called inside the block."""
    seen: set[str] = set()
    for s in model.calls:
        if item not in s.with_items:
            continue
        v = model.resolve(s.node.func, s.scope, s.seq)
        if v.kind == ValueKind.METHOD and v.receiver is not None and v.receiver.node is receiver.node:
            if v.qualname in ("close", "terminate", "join"):
                seen.add("join" if v.qualname == "join" else "close")
    return seen == {"close", "join"}


def _settles(model: ModuleModel, e: Event) -> bool:
    """A use inside the block that waits for the result (or may do so)."""
    if e.kind == "neutral":
        return False
    if e.kind == "escape" and isinstance(model.parents.get(id(e.node)), cst.Return):
        return False  # returned out of the block: the caller reads it after terminate()
    return True


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for d in model.iter_process_dispatches():
        if d.api not in ASYNC_APIS or not d.receiver.is_type(ObjectType.POOL):
            continue
        site = d.site
        item = pool_with_item(model, site, d.receiver)
        if item is None:
            continue
        with_node = find_with(model, item)
        if with_node is None:
            continue
        if closed_and_joined(model, with_node, item, d.receiver):
            continue
        events = trace(model, site.node, site.scope)
        inside = [e for e in events if position_within(model, e.node, with_node)]
        if any(_settles(model, e) for e in inside):
            continue
        after = [e for e in events if e not in inside or not _settles(model, e)]
        retrieved_later = any(e.kind != "neutral" for e in after)
        method = d.method
        callee = dotted_name(site.node.func) or method
        kind = "iterator" if method.startswith("imap") else "result"
        if retrieved_later:
            message = f"The {kind} of `{callee}(...)` is read after `with` terminated the pool"
        else:
            message = f"The {kind} of `{callee}(...)` is not awaited before `with` terminates the pool"
        # No `close(); join()` fix: a task may wait for something the parent does after the block
        # (RULES.md, "Fix safety"), and then the inserted `join()` hangs the program.
        fixes = []
        if can_convert_pool(model, with_node):
            fixes.append(ctx.fix(CONVERT_TITLE, Safety.UNSAFE, lambda: pool_conversion(model, with_node),
                                 kind="refactor.rewrite"))
        ctx.report(site.node, message, fixes=fixes, related=[(item.item, "the pool is terminated when this block exits")])


RULE = Rule(
    code="MP402",
    summary="`with Pool(...)` exits (and terminates the pool) before async results are retrieved.",
    why="""
`Pool.__exit__` calls `terminate()`, not `close()` + `join()`. Work submitted with `apply_async`,
`map_async`, `starmap_async`, `imap` or `imap_unordered` runs in the background; if the block ends
before the results are waited for, the workers are killed with the tasks still pending. The work
is silently dropped, and a `.get()` after the block blocks forever (or raises a timeout) because
the result will never arrive. `ProcessPoolExecutor` behaves differently: its exit waits for all
pending futures.

Nothing raises inside the block: a later `.get(timeout=...)` raises
`multiprocessing.context.TimeoutError`, a `.get()` without timeout blocks forever. The same under
every start method.
""",
    fix_doc="""
**Convert Pool to ProcessPoolExecutor** (unsafe: its exit waits for pending work, which moves the
waiting). Otherwise retrieve the results (`.get()` / `.wait()`, or iterate the `imap` iterator)
inside the block. `pool.close(); pool.join()` at the end of the block is not offered as a fix: a
task that waits for something the parent does after the block would then hang the program.
""",
    check=check,
    name="pool-terminated-early",
    severity=Severity.WARNING,
    fix=Fixable.SOMETIMES,
)
