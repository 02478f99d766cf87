"""MP503 join-before-drain: `p.join()` before the parent reads the queue the child fills."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.facts.frames import dispatch_worker_function
from mpguard.facts.futures import trace
from mpguard.facts.pickling import call_site_of, constructor_qualname
from mpguard.facts.queues import QueueArg
from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit, statement_line_at
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.records import CallSite, FunctionInfo, frame_of, scope_within
from mpguard.semantic.walk import walk_tree

PUTS = {"put", "put_nowait"}
GETS = {"get", "get_nowait"}


def _joinable_with_task_done(model: ModuleModel, q: QueueArg) -> bool:
    v = model.resolve(q.expr, q.binding.scope or model.module_scope, q.binding.seq + 1)
    if not (constructor_qualname(model, v) or "").endswith("JoinableQueue"):
        return False
    return any(isinstance(s.node.func, cst.Attribute) and s.node.func.attr.value == "task_done"
               for s in model.calls)


def _param_name(f: FunctionInfo, q: QueueArg) -> Optional[str]:
    params = [*f.node.params.posonly_params, *f.node.params.params]
    if q.keyword is not None:
        names = {p.name.value for p in (*params, *f.node.params.kwonly_params)}
        return q.keyword if q.keyword in names else None
    if q.position is not None and q.position < len(params):
        return params[q.position].name.value
    return None


def _child_puts(model: ModuleModel, d: Dispatch, q: QueueArg) -> bool:
    """Does the child put to this queue? Unknown targets count as yes."""
    v = model.worker_value(d)
    if v.kind != "function" or d.receiver.class_info is not None:
        return True  # imported function, partial, bound method, Process subclass: unknown
    f = dispatch_worker_function(model, d)
    if f is None:
        return True
    name = _param_name(f, q)
    if name is None:
        return True
    for s in model.scopes:
        if not scope_within(s, f.scope) or s.lookup_scope(name) is not f.scope:
            continue
        for use in s.loads.get(name, []):
            parent = model.parents.get(id(use.node))
            if isinstance(parent, cst.Attribute) and parent.value is use.node:
                if parent.attr.value in PUTS:
                    return True
                continue
            if isinstance(parent, (cst.Arg, cst.Element, cst.Return, cst.Assign, cst.WithItem)):
                return True  # handed on (a helper, a QueueHandler, ...): it may put
    return False


def _gets(model: ModuleModel, d: Dispatch, q: QueueArg) -> list[tuple[CallSite, str]]:
    """`q.get()` calls of the parent on this queue binding, in the frame of the dispatch."""
    out = []
    frame = frame_of(d.site.scope)
    for s in model.scopes:
        if frame_of(s) is not frame:
            continue
        for use in s.loads.get(q.expr.value, []):
            if model.binding_before(q.expr.value, s, use.seq) is not q.binding:
                continue
            parent = model.parents.get(id(use.node))
            if not (isinstance(parent, cst.Attribute) and parent.value is use.node and parent.attr.value in GETS):
                continue
            call = model.parents.get(id(parent))
            if isinstance(call, cst.Call) and call.func is parent:
                site = call_site_of(model, call)
                if site is not None:
                    out.append((site, parent.attr.value))
    return sorted(out, key=lambda t: t[0].seq)


def _joins(model: ModuleModel, d: Dispatch) -> list[CallSite]:
    out = []
    for e in trace(model, d.site.node, d.site.scope):
        if e.kind == "attr" and e.attr == "join" and e.called and e.call is not None and not e.call.args:
            site = call_site_of(model, e.call)
            if site is not None and site.function is d.site.function:
                out.append(site)
    return sorted(out, key=lambda s: s.seq)


def _start_seq(model: ModuleModel, d: Dispatch) -> int:
    for e in trace(model, d.site.node, d.site.scope):
        if e.kind == "attr" and e.attr == "start" and e.call is not None:
            site = call_site_of(model, e.call)
            if site is not None:
                return site.seq
    return d.site.seq


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    for d in model.iter_process_dispatches():
        if d.api != "process" or not d.receiver.is_type(ObjectType.PROCESS):
            continue
        for q in model.facts.queues.args_of(d):
            if _joinable_with_task_done(model, q) or not _child_puts(model, d, q):
                continue
            gets = _gets(model, d, q)
            joins = _joins(model, d)
            if not gets or not joins:
                continue
            start = _start_seq(model, d)
            first_get = gets[0][0]
            join = joins[0]
            if first_get.seq < join.seq and first_get.seq > start:
                continue  # drained (at least started draining) before the join
            if first_get.seq < start:
                later = [g for g, _ in gets if g.seq > join.seq]
                if not later:
                    continue
                first_get = later[0]
            if not first_get.seq > join.seq or id(join.node) in reported:
                continue
            reported.add(id(join.node))
            name = q.expr.value
            message = f"`join()` before the queue `{name}` is drained deadlocks once the child puts large items"
            fixes = []
            fix = _reorder_fix(ctx, join, q, d)
            if fix is not None:
                fixes.append(fix)
            ctx.report(join.node, message, fixes=fixes,
                       related=[(first_get.node, "the queue is read only here, after the join"),
                                (q.expr, "the queue is passed to the process here")])


# ---- fix: Drain the queue before joining -------------------------------------------------------

def _join_unit(model: ModuleModel, join: CallSite):
    """(statement to move, block holding it): `p.join()` alone on its line, or a `for` loop whose
    body is only that join."""
    stmt = join.statement
    if not isinstance(stmt, cst.Expr) or stmt.value is not join.node:
        return None
    found = statement_line_at(model, join.node, stmt)
    if found is None:
        return None
    line, ancestors = found
    if len(line.body) != 1:
        return None
    unit: cst.CSTNode = line
    chain = list(ancestors)
    if isinstance(line, cst.SimpleStatementSuite):
        if not chain or not isinstance(chain[-1], cst.For):
            return None
        unit = chain.pop()
    elif chain and isinstance(chain[-1], cst.IndentedBlock) and len(chain) >= 2 and isinstance(chain[-2], cst.For) \
            and len(chain[-1].body) == 1 and join.loop_depth > 0:
        chain.pop()
        unit = chain.pop()
    if isinstance(unit, cst.For) and unit.orelse is not None:
        return None
    block = chain[-1] if chain else model.module
    if not isinstance(block, (cst.IndentedBlock, cst.Module)):
        return None
    return unit, block


def _reorder_fix(ctx: RuleContext, join: CallSite, q: QueueArg, d: Dispatch):
    model = ctx.model
    found = _join_unit(model, join)
    if found is None:
        return None
    unit, block = found
    body = list(block.body)
    i = next((k for k, s in enumerate(body) if s is unit), None)
    if i is None:
        return None
    # names that refer to the process (or its list): the moved reads must not use them
    proc_names: set[str] = set()
    for e in trace(model, d.site.node, d.site.scope):
        if isinstance(e.node, cst.Attribute) and isinstance(e.node.value, cst.Name):
            proc_names.add(e.node.value.value)
    parent = model.parents.get(id(d.site.node))
    if isinstance(parent, cst.Assign):
        for t in parent.targets:
            if isinstance(t.target, cst.Name):
                proc_names.add(t.target.value)
    if isinstance(unit, cst.For):
        for n in _names(unit.iter):
            proc_names.add(n)
    qname = q.expr.value
    last = None
    for k in range(i + 1, len(body)):
        s = body[k]
        verdict = _plain_drain(s, qname, proc_names)
        if verdict is None:
            return None
        if not verdict:
            break
        last = k
    if last is None:
        return None
    moved = body[i + 1:last + 1]

    edit = MultiEdit().remove_stmt(unit).insert_after(moved[-1], [unit])
    return ctx.fix("Drain the queue before joining", Safety.SAFE, edit, preferred=True)


def _names(node: cst.CSTNode) -> set[str]:
    return {n.value for n in walk_tree(node) if isinstance(n, cst.Name)}


def _plain_drain(stmt: cst.CSTNode, qname: str, proc_names: set[str]) -> Optional[bool]:
    """True: a statement that reads the queue with blocking `q.get()` only and does not touch the
    process; False: it does not read the queue (stop); None: it reads it in a way that cannot be
    moved before the join (non-blocking reads, `empty()`/`qsize()` loops, uses of the process)."""
    reads = False
    for n in walk_tree(stmt, prune=lambda n: isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.While))):
        if isinstance(n, (cst.FunctionDef, cst.ClassDef, cst.While)):
            if _mentions(n, qname):
                return None
            continue
        if isinstance(n, cst.Attribute) and isinstance(n.value, cst.Name) and n.value.value == qname:
            if n.attr.value != "get":
                return None
            reads = True
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute) and isinstance(n.func.value, cst.Name) \
                and n.func.value.value == qname and n.args:
            return None  # get(timeout=...) / get(False)
    if not reads:
        return False
    if _names(stmt) & proc_names:
        return None
    return True


def _mentions(node: cst.CSTNode, name: str) -> bool:
    return name in _names(node)


RULE = Rule(
    code="MP503",
    summary="`join()` on a process before draining the multiprocessing Queue it puts to (deadlock).",
    why="""
A process that has put items on a `multiprocessing.Queue` does not terminate until a background
feeder thread has written all of them into the queue's pipe, and the pipe holds only about 64 KB.
If the parent calls `p.join()` first and reads the queue afterwards, small results work in
testing, but as soon as the child's output exceeds the pipe buffer the child blocks in its feeder
thread (waiting for a reader) while the parent blocks in `join()` (waiting for the child): a
deadlock. The multiprocessing docs ("Joining processes that use queues") show exactly this
`p.join()` before `queue.get()` as the example of what not to do. A `multiprocessing.SimpleQueue`
blocks in `put()` itself, with the same result.

Not reported: queues drained before the join, `JoinableQueue`s consumed with `task_done()`,
manager queues, and targets that never put to the queue.

Nothing raises: both processes wait forever, under every start method, once the child's items
exceed the pipe's buffer.
""",
    fix_doc="""
**Drain the queue before joining** (safe, offered when the join statement - or a `for` loop of
joins - is immediately followed by statements that read the queue with blocking `get()` calls and
do not touch the process): moves the join after those reads. Otherwise read every expected item
(or until a sentinel) before calling `join()`.
""",
    check=check,
    name="join-before-drain",
    severity=Severity.WARNING,
    fix=Fixable.SOMETIMES,
)
