"""MP502 fork-with-threads: processes are forked while a thread of the parent may be running."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import libcst as cst

from mpguard.facts.frames import (
    call_chains,
    chain_key,
    method_name,
    process_workers,
    receiver_text,
    rooted,
    same_frame,
)
from mpguard.rules import Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, StartMethod, ValueKind
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.records import CallSite, ClassInfo, Value


@dataclass(eq=False)
class ThreadStart:
    site: CallSite
    what: str
    end_seq: Optional[int] = None  # joined / shut down at this seq, in the same frame
    with_node: Optional[cst.With] = None  # alive only inside this `with` block


@dataclass(eq=False)
class ForkSite:
    site: CallSite
    what: str


def _is_thread_class(model: ModuleModel, cls: Optional[ClassInfo], depth: int = 0) -> bool:
    if cls is None or depth > 5:
        return False
    for base in cls.bases:
        v = model.resolve(base, cls.defining_scope)
        if v.kind == ValueKind.REF and v.qualname in ("threading.Thread", "threading.Timer"):
            return True
        if v.kind == "class" and _is_thread_class(model, v.class_info, depth + 1):
            return True
    return False


def _is_thread(model: ModuleModel, v: Value) -> bool:
    return v.is_type(ObjectType.THREAD) or (
        v.kind == ValueKind.INSTANCE and _is_thread_class(model, v.class_info))


def _end_in_frame(model: ModuleModel, site: CallSite, recv: Optional[str], enders: tuple[str, ...]) -> Optional[int]:
    frame_calls = site.function.calls if site.function is not None else [c for c in model.calls if c.function is None]
    for c in frame_calls:
        if c.seq <= site.seq or method_name(c.node) not in enders:
            continue
        r = receiver_text(c.node)
        if r is None:
            continue
        if recv is not None and r == recv:
            return c.seq
        if "." not in r:
            b = model.binding_before(r, c.scope, c.seq)
            if b is not None and b.kind == "for":  # for t in threads: t.join()
                return c.seq
    return None


def _with_of(model: ModuleModel, site: CallSite, recv_expr: cst.BaseExpression) -> Optional[cst.With]:
    if isinstance(recv_expr, cst.Name):
        b = model.binding_before(recv_expr.value, site.scope, site.seq)
        if b is not None and b.kind == "with" and isinstance(b.node, cst.With):
            return b.node
    return None


def thread_starts(model: ModuleModel) -> list[ThreadStart]:
    out: list[ThreadStart] = []
    for site in model.calls:
        call = site.node
        func = model.resolve(call.func, site.scope, site.seq)
        if func.kind == ValueKind.METHOD and func.receiver is not None and isinstance(call.func, cst.Attribute):
            recv = func.receiver
            name = func.qualname
            text = receiver_text(call)
            if name == "start" and _is_thread(model, recv):
                out.append(ThreadStart(site, "a thread started", _end_in_frame(model, site, text, ("join",))))
                continue
            if recv.is_type(ObjectType.THREAD_POOL_EXECUTOR) and name in ("submit", "map"):
                w = _with_of(model, site, call.func.value)
                end = None if w is not None else _end_in_frame(model, site, text, ("shutdown",))
                out.append(ThreadStart(site, "the threads of a ThreadPoolExecutor used", end, w))
                continue
        if func.kind == ValueKind.REF:
            inst = model.resolve(call, site.scope, site.seq)
            if inst.is_type(ObjectType.THREAD_POOL):
                parent = site.parent
                w = None
                end = None
                if isinstance(parent, cst.WithItem):
                    stmt = site.statement
                    w = stmt if isinstance(stmt, cst.With) else None
                elif isinstance(parent, cst.Assign) and len(parent.targets) == 1:
                    from mpguard.semantic.names import dotted_name

                    end = _end_in_frame(model, site, dotted_name(parent.targets[0].target),
                                        ("terminate", "join"))
                out.append(ThreadStart(site, "the threads of a ThreadPool created", end, w))
    return out


def fork_sites(model: ModuleModel) -> list[ForkSite]:
    out: list[ForkSite] = []
    for site in model.calls:
        start = model.facts.starts.process_start_of(site)
        if start is not None:
            if start.start_method == StartMethod.FORK:
                out.append(ForkSite(site, start.what + " with the `fork` start method"))
            continue
        func = model.resolve(site.node.func, site.scope, site.seq)
        if func.kind == ValueKind.REF and func.qualname in ("os.fork", "os.forkpty"):
            out.append(ForkSite(site, f"`{func.qualname}()` forks the process"))
    return out


def _overlaps(model: ModuleModel, t: ThreadStart, f: ForkSite) -> bool:
    f_chains = call_chains(model, f.site)
    if t.with_node is not None:
        return any(x.seq > t.site.seq and any(item in t.with_node.items for item in x.with_items)
                   for chain in f_chains for x in chain)
    if t.end_seq is not None:
        return any(same_frame(x, t.site) and t.site.seq < x.seq < t.end_seq
                   for chain in f_chains for x in chain)
    t_chains = call_chains(model, t.site)
    for ct in t_chains:
        for cf in f_chains:
            if rooted(ct) and not rooted(cf):
                return True  # the thread starts at import time, before any entry point runs
            comparable = (rooted(ct) and rooted(cf)) or ct[0].function is cf[0].function
            if not comparable:
                continue  # entry points called from elsewhere: the order is unknown
            if chain_key(ct) < chain_key(cf):
                return True
    return False


def check(ctx: RuleContext) -> None:
    model = ctx.model
    forks = fork_sites(model)
    if not forks:
        return
    threads = thread_starts(model)
    if not threads:
        return
    in_children: set[int] = set()
    for run in process_workers(model, roles=("task", "target", "initializer")):
        in_children.update(id(f) for f in run.reach)

    def in_child(site: CallSite) -> bool:
        return site.function is not None and id(site.function) in in_children

    threads = [t for t in threads if not in_child(t.site)]
    for f in forks:
        if in_child(f.site):
            continue
        for t in threads:
            if not _overlaps(model, t, f):
                continue
            line = model.range_of(t.site.node).start.line
            message = f"Forking here can deadlock: {t.what} on line {line} may still run"
            ctx.report(f.site.node, message, related=[(t.site.node, "the thread starts here")])
            break


RULE = Rule(
    code="MP502",
    summary="Processes are created with the `fork` start method while threads of the parent may be running.",
    why="""
`fork` duplicates the parent process with only the thread that called it. Every lock another
thread held at that instant - the logging module's handler locks, `sys.stdout`'s buffer lock,
malloc's arenas, locks inside NumPy/OpenBLAS, gRPC or database drivers - is copied in the locked
state and never released in the child, which then deadlocks the first time it needs it (or crashes
on macOS). Python 3.12+ emits `DeprecationWarning: This process is multi-threaded, use of fork()
may lead to deadlocks in the child`. mpguard reports a fork-method Pool/Process/Manager/executor
(or `os.fork()`) created while a `Thread`, `ThreadPoolExecutor` or `ThreadPool` started earlier in
the program may still be alive.

Only the `fork` start method is affected: the default on Linux before Python 3.14. Python 3.12
and 3.13 warn (checked by running the failing case on CPython 3.10-3.13): `DeprecationWarning: This process (pid=...) is multi-threaded, use of
fork() may lead to deadlocks in the child.`
""",
    fix_doc="""
Create those processes from a `spawn` or `forkserver` context
(`multiprocessing.get_context("spawn").Pool(...)`, `ProcessPoolExecutor(mp_context=...)`), or
create them before any thread starts.
""",
    check=check,
    name="fork-with-threads",
    severity=Severity.WARNING,
)
