"""MP605 terminate-with-shared-resources: `terminate()`/`kill()` on a process that was handed a
multiprocessing Queue, Lock, Pipe or Event."""

from __future__ import annotations

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.facts.frames import dispatch_worker_function
from mpguard.facts.futures import trace
from mpguard.facts.loops import in_loop
from mpguard.facts.pickling import call_site_of, constructor_qualname, inherited_payload, literal_elements
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name, get_arg
from mpguard.semantic.walk import walk_tree

SHARED = (ObjectType.MP_QUEUE, ObjectType.MP_SYNC, ObjectType.PIPE, ObjectType.CONNECTION_END)
KILLERS = ("terminate", "kill")


def _describe(model: ModuleModel, v) -> str:
    if v.is_type(ObjectType.PIPE, ObjectType.CONNECTION_END):
        return "Pipe connection"
    ctor = constructor_qualname(model, v) or ""
    last = ctor.rsplit(".", 1)[-1].rstrip(")").rstrip("(") if ctor else ""
    if last:
        return last
    return "Queue" if v.is_type(ObjectType.MP_QUEUE) else "lock"


def _shared_args(model: ModuleModel, d: Dispatch) -> list[tuple[cst.BaseExpression, str]]:
    out = []
    for expr in inherited_payload(model, d):
        v = model.resolve(expr, d.site.scope, d.site.seq)
        if v.is_type(*SHARED):
            out.append((expr, _describe(model, v)))
    return out


def _kill_calls(model: ModuleModel, d: Dispatch) -> list[cst.Call]:
    """`terminate()`/`kill()` calls on this process: through names and lists (value flow), and
    through attributes that resolve to it (`self.worker.terminate()` in another method)."""
    found: dict[int, cst.Call] = {}
    for e in trace(model, d.site.node, d.site.scope):
        if e.kind == "attr" and e.attr in KILLERS and e.called and e.call is not None:
            found[id(e.call)] = e.call
    for site in model.calls:
        func = site.node.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in KILLERS or id(site.node) in found:
            continue
        v = model.resolve(func, site.scope, site.seq)
        if v.kind == ValueKind.METHOD and v.receiver is not None and v.receiver.node is d.site.node:
            found[id(site.node)] = site.node
    return sorted(found.values(), key=lambda c: call_site_of(model, c).seq if call_site_of(model, c) else 0)


def _only_handed_on(model: ModuleModel, d: Dispatch, expr: cst.BaseExpression) -> bool:
    """The killed process never uses the primitive itself: its target only passes the parameter
    on to processes it starts (`Process(target=child, args=(q,))`), so it cannot be killed while
    holding the primitive's lock."""
    f = dispatch_worker_function(model, d)
    args = get_arg(d.site.node, "args", 3)
    if f is None or f.is_method or args is None or d.receiver.class_info is not None:
        return False
    elements = literal_elements(model, args.value, d.site.scope, d.site.seq)
    index = next((i for i, e in enumerate(elements) if e is expr), None)
    params = f.node.params.params
    if index is None or index >= len(params) or f.node.params.star_arg is not cst.MaybeSentinel.DEFAULT:
        return False
    name = params[index].name.value
    handed_on = {id(n) for other in model.iter_process_dispatches() if other.site.function is f
                 for e in inherited_payload(model, other) for n in walk_tree(e) if isinstance(n, cst.Name)}
    uses = [u for s in model.scopes if s.lookup_scope(name) is f.scope for u in s.loads.get(name, [])]
    return bool(uses) and all(id(u.node) in handed_on for u in uses)


def _matters_after(model: ModuleModel, d: Dispatch, call: cst.Call, expr: cst.BaseExpression) -> bool:
    """Whether the shared primitive outlives the kill: the parent reads it afterwards, or processes
    that are not killed with this one still use it (one of several started in a loop, or another
    process handed the same name). Killing every user of a primitive nobody reads again is harmless."""
    if _only_handed_on(model, d, expr):
        return False
    kill_site = call_site_of(model, call)
    if in_loop(d.site) and not in_loop(kill_site):
        return True
    if not isinstance(expr, cst.Name) or kill_site is None:
        return False
    home = d.site.scope.lookup_scope(expr.value)
    if home is None:
        return False
    for s in model.scopes:
        if s.lookup_scope(expr.value) is home and any(u.seq > kill_site.seq for u in s.loads.get(expr.value, [])):
            return True
    for other in model.iter_process_dispatches():
        if other is d or other.api != "process":
            continue
        if any(isinstance(e, cst.Name) and e.value == expr.value and other.site.scope.lookup_scope(e.value) is home
               for e in inherited_payload(model, other)) and not _kill_calls(model, other):
            return True
    return False


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    for d in model.iter_process_dispatches():
        if d.api != "process" or not d.receiver.is_type(ObjectType.PROCESS):
            continue
        shared = _shared_args(model, d)
        if not shared:
            continue
        for call in _kill_calls(model, d):
            if id(call) in reported:
                continue
            reported.add(id(call))
            verb = call.func.attr.value if isinstance(call.func, cst.Attribute) else "terminate"
            mattering = [(e, w) for e, w in shared if _matters_after(model, d, call, e)]
            if not mattering:
                continue
            expr, what = mattering[0]
            name = dotted_name(expr)
            obj = f"the {what} `{name}`" if name else f"a {what}"
            if what in ("Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event", "Barrier", "lock"):
                message = f"`{verb}()` can leave {obj} acquired forever, deadlocking its other users"
            else:
                message = f"`{verb}()` can leave {obj} corrupted or locked for its other users"
            related = [(expr, f"the {what} is shared with the process here")]
            ctx.report(call, message, related=related)


RULE = Rule(
    code="MP605",
    summary="`terminate()`/`kill()` on a process that uses a shared Queue, Lock, Pipe or Event.",
    why="""
Reported only when the primitive outlives the kill: the parent uses it afterwards, or processes
that stay alive share it. Killing every user of a primitive that nobody touches again is harmless.

`Process.terminate()` sends SIGTERM (`kill()` SIGKILL; `TerminateProcess` on Windows): the child
stops wherever it is, without running `finally` clauses, `with` exits or the queue's feeder
thread. If it was using a `multiprocessing.Queue`, `Lock`, `Pipe`, `Event` or `Condition` at that
moment, the lock inside stays acquired and the queue's pipe may hold half a message: "if a process
is killed while it is trying to use a Queue, the data in the queue is likely to become corrupted",
and other processes block forever on the lock. The docs recommend terminating only processes that
never use shared resources.

Nothing raises at the `terminate()`: the damage shows later, as a process blocked forever on the
lock or a reader that gets a corrupted message, under every start method.
""",
    fix_doc="""
Stop the worker cooperatively: put a sentinel (e.g. `None`) on its queue or set a
`multiprocessing.Event` it polls, then `join()` it; keep `terminate()` as a last resort after a
`join(timeout)` and do not reuse the shared objects afterwards.
""",
    check=check,
    name="terminate-with-shared-resources",
    severity=Severity.WARNING,
)
