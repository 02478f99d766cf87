"""MP601 pool-not-closed: a process Pool / ProcessPoolExecutor that is never closed or shut down."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.futures import Event, trace
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit, statement_line_at
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name
from mpguard.semantic.records import CallSite, ClassInfo, scope_within
from mpguard.semantic.walk import node_contains

# Any of these (called, or handed over as a callback such as `atexit.register(pool.close)`) ends
# the pool's life somewhere: the rule stays quiet. `join` alone is MP604's business.
CLOSERS = {"close", "terminate", "join", "shutdown", "__exit__", "__del__"}
SYNC_POOL_METHODS = {"map", "starmap", "apply"}
ASYNC_POOL_METHODS = {"apply_async", "map_async", "starmap_async", "imap", "imap_unordered"}
EXECUTOR_METHODS = {"submit", "map"}


def _pool_creations(model: ModuleModel):
    for site in model.calls:
        v = model.resolve(site.node, site.scope, site.seq)
        if (v.is_type(ObjectType.POOL, ObjectType.PROCESS_POOL_EXECUTOR) and v.node is site.node
                and not model.facts.calls.expected_to_raise(site)):
            yield site, v


def _self_attr_target(site: CallSite) -> Optional[str]:
    """`self.pool = Pool(...)` -> "pool"."""
    parent = site.parent
    if not isinstance(parent, cst.Assign) or parent.value is not site.node or len(parent.targets) != 1:
        return None
    t = parent.targets[0].target
    if isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value == "self":
        return t.attr.value
    return None




def _class_closes(model: ModuleModel, cls: ClassInfo, attr: str) -> bool:
    """Some code closes `<obj>.attr` (any receiver: `self.pool.close()`, `runner.pool.terminate()`),
    or the class hands `self.attr` (or one of its closers) to other code."""
    for site in model.calls:
        func = site.node.func
        if (isinstance(func, cst.Attribute) and func.attr.value in CLOSERS
                and isinstance(func.value, cst.Attribute) and func.value.attr.value == attr):
            return True
    for s in model.scopes:
        if not scope_within(s, cls.scope):
            continue
        for use in s.loads.get("self", []):
            parent = model.parents.get(id(use.node))
            if not (isinstance(parent, cst.Attribute) and parent.value is use.node and parent.attr.value == attr):
                continue
            grand = model.parents.get(id(parent))
            if grand is None:
                continue  # an assignment target: `self.pool = ...`
            if isinstance(grand, cst.Attribute) and grand.value is parent:
                if grand.attr.value in CLOSERS:
                    return True
                continue  # self.pool.map(...), self.pool._processes
            if isinstance(grand, (cst.Assign, cst.AnnAssign)) and grand.value is not parent:
                continue  # self.pool = ... (a store)
            return True  # passed, returned, `with self.pool:` ...: handled elsewhere
    return False


def _kind(v) -> str:
    return "Pool" if v.is_type(ObjectType.POOL) else ObjectType.PROCESS_POOL_EXECUTOR


def _message(kind: str, name: Optional[str], in_loop: bool, on_self: bool) -> str:
    subject = f"`{name}`" if name else f"This `{kind}`"
    verb = "closed" if kind == "Pool" else "shut down"
    if on_self:
        return f"{subject} is never {verb} by any method of its class, so its worker processes leak"
    if in_loop:
        return f"{subject} is never {verb}: every loop iteration leaks another set of worker processes"
    return f"{subject} is never {verb}, so its worker processes stay alive until the interpreter exits"


def check(ctx: RuleContext) -> None:
    model = ctx.model
    for site, pool in _pool_creations(model):
        if site.import_time:
            continue  # a module-level singleton living as long as the program (MP101 if it starts at import)
        kind = _kind(pool)
        attr = _self_attr_target(site)
        if attr is not None:
            f = site.function
            if f is None or f.class_info is None or _class_closes(model, f.class_info, attr):
                continue
            ctx.report(site.node, _message(kind, f"self.{attr}", site.loop_depth > 0, True))
            continue
        events = trace(model, site.node, site.scope)
        if any(e.kind not in ("attr", "neutral") for e in events):
            continue  # with-item, returned, passed on, stored: handled (or maybe handled) elsewhere
        if any(e.attr in CLOSERS for e in events):
            continue
        name = _assigned_name(site)
        fixes = []
        fix = _with_fix(ctx, site, pool, name, events)
        if fix is not None:
            fixes.append(fix)
        ctx.report(site.node, _message(kind, name, site.loop_depth > 0, False), fixes=fixes)


def _assigned_name(site: CallSite) -> Optional[str]:
    parent = site.parent
    if isinstance(parent, cst.Assign) and parent.value is site.node and len(parent.targets) == 1:
        t = parent.targets[0].target
        if isinstance(t, cst.Name):
            return t.value
    return None


# ---- fix: Use `with` ------------------------------------------------------------------------

def _index_of(body: list[cst.BaseStatement], start: int, node: cst.CSTNode) -> Optional[int]:
    for k in range(start, len(body)):
        if node_contains(body[k], node):
            return k
    return None


def _with_fix(ctx: RuleContext, site: CallSite, pool, name: Optional[str], events: list[Event]):
    model = ctx.model
    if name is None or not events:
        return None
    stmt = site.statement
    if not isinstance(stmt, cst.Assign):
        return None
    found = statement_line_at(model, site.node, stmt)
    if found is None:
        return None
    line, ancestors = found
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    block = ancestors[-1] if ancestors else model.module
    if not isinstance(block, (cst.IndentedBlock, cst.Module)):
        return None
    body = list(block.body)
    i = next((k for k, s in enumerate(body) if s is line), None)
    if i is None:
        return None
    is_pool = pool.is_type(ObjectType.POOL)
    last = i
    for e in events:
        if e.kind != "attr" or not e.called or e.call is None:
            return None
        # every use is in the same frame (no lambda / nested def / comprehension body)
        k = _index_of(body, i + 1, e.node)
        if k is None:
            return None
        last = max(last, k)
        method = e.attr
        if is_pool:
            if method in SYNC_POOL_METHODS:
                continue
            if method not in ASYNC_POOL_METHODS:
                return None
            # The async result / lazy iterator must be retrieved before the block ends (the pool's
            # `__exit__` calls terminate()).
            results = trace(model, e.call, site.scope)
            if not any((r.kind == "attr" and r.attr in ("get", "wait") and r.called) or r.kind == "consume"
                       for r in results):
                return None  # never waited for (callback only, discarded): the exit would kill it
            for r in results:
                if r.kind == "escape":
                    return None
                k = _index_of(body, i + 1, r.node)
                if k is None:
                    return None
                last = max(last, k)
        elif method not in EXECUTOR_METHODS:
            return None
    if last == i:
        return None
    wrapped = body[i + 1:last + 1]
    if any(isinstance(s, (cst.FunctionDef, cst.ClassDef)) for s in wrapped):
        return None
    # the name must not be rebound inside the wrapped statements
    for b in site.scope.bindings.get(name, []):
        if b.node is not stmt and any(node_contains(s, b.node) for s in wrapped):
            return None
    call = site.node
    title = f"Use `with {dotted_name(call.func) or _kind(pool)}(...) as {name}:`"

    def plan() -> MultiEdit:
        inner = [wrapped[0], *wrapped[1:]]
        new_with = cst.With(
            items=[cst.WithItem(item=call, asname=cst.AsName(name=cst.Name(name)))],
            body=cst.IndentedBlock(body=inner, header=line.trailing_whitespace),
            leading_lines=line.leading_lines,
        )
        edit = MultiEdit()
        edit.replace_node(line, new_with)
        for s in wrapped:
            edit.remove_stmt(s)
        return edit

    # Unsafe: the block ends at the pool's last use, so the parent now waits there for the pool's
    # work before its own later statements (a different order of output, a slower program).
    return ctx.fix(title, Safety.UNSAFE, plan, preferred=True)


RULE = Rule(
    code="MP601",
    summary="A `Pool` / `ProcessPoolExecutor` is created without `with` and never closed or shut down.",
    why="""
A `multiprocessing.Pool` owns worker processes, three handler threads and several pipes. Without
`close()` + `join()`, `terminate()` or a `with` block, they stay alive until the pool object is
garbage-collected or the interpreter exits (`ResourceWarning: unclosed running multiprocessing
pool`, and sometimes a hang at exit; the docs say not to rely on the garbage collector). A pool
created in a function that is called repeatedly, or in a loop, leaks a full set of processes and
file descriptors each time, until `OSError: [Errno 24] Too many open files`. A
`ProcessPoolExecutor` that is never shut down keeps its idle workers until exit.

Not reported: pools used with `with`, returned to the caller, passed to other code (which may
close them), stored on `self` when some method closes them, and pools closed on any path
(including `try/finally`).

Python 3.10-3.13 warn when such a pool is garbage-collected (checked by running the failing case on CPython 3.10-3.13, with warnings enabled):
`ResourceWarning: unclosed running multiprocessing pool <multiprocessing.pool.Pool state=RUN
pool_size=1>`.
""",
    fix_doc="""
**Use `with`** (unsafe: the exit waits for or stops the pool's work where the block ends, before any later statement of the parent; offered when the pool's lifetime is one block): `name = Pool(...)` followed
by statements that use `name` becomes `with Pool(...) as name:` wrapping those statements up to
the last use. Because `Pool.__exit__` calls `terminate()`, the fix is offered for a Pool only when
its uses are synchronous (`map`, `starmap`, `apply`) or their async results are retrieved inside
the block; `ProcessPoolExecutor.__exit__` waits, so any use is fine there. Otherwise call
`close()` and `join()` in a `finally`.
""",
    check=check,
    name="pool-not-closed",
    severity=Severity.WARNING,
    fix=Fixable.SOMETIMES,
)
