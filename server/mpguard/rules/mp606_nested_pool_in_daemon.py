"""MP606 nested-pool-in-daemon: a Pool task or a daemon process starts child processes."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.facts.calls import Dispatch
from mpguard.facts.frames import bool_keyword, process_workers
from mpguard.facts.starts import ProcessStart
from mpguard.findings import Safety
from mpguard.fixes.insert import AddImportFrom
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType
from mpguard.semantic.library import canonical
from mpguard.semantic.model import ModuleModel
from mpguard.semantic.names import dotted_name
from mpguard.semantic.records import CallSite
from mpguard.semantic.walk import walk_tree

THREADPOOL_TITLE = "Use a ThreadPool inside"
EXECUTOR_TITLE = "Convert to ProcessPoolExecutor"


def _assigned_name(site: CallSite) -> Optional[str]:
    parent = site.parent
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
        return parent.targets[0].target.value
    return None


def _sets_daemon_attr(body: cst.CSTNode, var: str) -> bool:
    """`var.daemon = True` somewhere in `body` (a local walk of one function or module body)."""
    for node in walk_tree(body, prune=lambda n: isinstance(n, cst.ClassDef)):
        if isinstance(node, cst.Assign) and isinstance(node.value, cst.Name) and node.value.value == "True":
            for t in node.targets:
                if dotted_name(t.target) == f"{var}.daemon":
                    return True
    return False


def _is_daemon_process(model: ModuleModel, d: Dispatch) -> bool:
    if d.api != "process" or not d.receiver.is_type(ObjectType.PROCESS):
        return False
    if bool_keyword(d.site.node, "daemon"):
        return True
    var = _assigned_name(d.site)
    if var is not None:
        body = d.site.function.node if d.site.function is not None else model.module
        if _sets_daemon_attr(body, var):
            return True
    cls = d.receiver.class_info
    if cls is not None:
        for b in cls.self_attrs.get("daemon", []):
            if isinstance(b.value, cst.Name) and b.value.value == "True":
                return True
        init = cls.methods.get("__init__")
        if init is not None:
            for site in init.calls:
                if (isinstance(site.node.func, cst.Attribute) and site.node.func.attr.value == "__init__"
                        and bool_keyword(site.node, "daemon")):
                    return True
    return False


def _threadpool_fix(ctx: RuleContext, start: ProcessStart):
    """Replace the inner `Pool(...)` by `ThreadPool(...)` (from multiprocessing.pool)."""
    model = ctx.model
    call = start.site.node
    if not (start.value.is_type(ObjectType.POOL) and start.value.node is call):
        return None
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in call.args) or len(positional) > 3:
        return None
    if any(a.keyword is not None and a.keyword.value not in ("processes", "initializer", "initargs")
           for a in call.args):
        return None
    existing = model.module_scope.bindings.get(ObjectType.THREAD_POOL, [])
    need_import = True
    for b in existing:
        if b.kind == "import" and canonical(b.qualname or "") in (
                "multiprocessing.pool.ThreadPool", "multiprocessing.dummy.Pool"):
            need_import = False
        else:
            return None  # the name means something else here

    edit = MultiEdit().replace_node(call, call.with_changes(func=cst.Name(ObjectType.THREAD_POOL)))
    if need_import:
        edit.at_top_level(AddImportFrom("multiprocessing.pool", ObjectType.THREAD_POOL))
    return ctx.fix(THREADPOOL_TITLE, Safety.UNSAFE, edit)


def _executor_fix(ctx: RuleContext, outer: Dispatch):
    """The outer Pool -> ProcessPoolExecutor conversion, when that fix module is available."""
    if not outer.receiver.is_type(ObjectType.POOL):
        return None
    try:
        from mpguard.fixes.pool_to_executor import can_convert_pool, pool_conversion
    except ImportError:  # pragma: no cover - optional fix module
        return None
    model = ctx.model
    pool_node = outer.receiver.node
    if not isinstance(pool_node, cst.Call):
        return None
    try:
        if not can_convert_pool(model, pool_node):
            return None
    except Exception:  # noqa: BLE001 - an optional fix must never break the rule
        return None

    def plan() -> Optional[MultiEdit]:
        try:
            return pool_conversion(model, pool_node)
        except Exception:  # noqa: BLE001 - an optional fix must never break the rule
            return None

    return ctx.fix(EXECUTOR_TITLE, Safety.UNSAFE, plan)


def check(ctx: RuleContext) -> None:
    model = ctx.model
    reported: set[int] = set()
    for run in process_workers(model, roles=("task", "target", "initializer")):
        d = run.dispatch
        if d.receiver.is_type(ObjectType.POOL):
            outer_what = "a `Pool` task" if d.worker_role == "task" else "a `Pool` initializer"
        elif _is_daemon_process(model, d):
            outer_what = "a `daemon=True` process"
        else:
            continue
        for f in run.reach:
            for site in f.calls:
                if id(site.node) in reported:
                    continue
                start = model.facts.starts.process_start_of(site)
                if start is None:
                    continue
                reported.add(id(site.node))
                call = start.what.split("` ", 1)[0] + "`"  # "`Pool(...)`" of "`Pool(...)` starts ..."
                message = f"{call} fails in {outer_what}: daemonic processes cannot have children"
                fixes = []
                ex = _executor_fix(ctx, d)
                if ex is not None:
                    fixes.append(ex)
                tp = _threadpool_fix(ctx, start)
                if tp is not None:
                    fixes.append(tp)
                ctx.report(site.node, message, fixes=fixes,
                           related=[(d.site.node, "the work is sent to the daemonic worker here")])


RULE = Rule(
    code="MP606",
    summary="A `multiprocessing.Pool` task or a daemon process starts a Pool, Process or Manager.",
    why="""
`multiprocessing.Pool` runs its tasks in daemonic worker processes, and a daemonic process may not
have children: `Process.start()` asserts it, so a `Pool(...)`, `Manager()`, `Process.start()` or a
`ProcessPoolExecutor` used inside a Pool task, a Pool initializer or the target of a
`daemon=True` Process fails with `AssertionError: daemonic processes are not allowed to have
children` (under every start method). mpguard follows the calls the worker makes within the
module. `ProcessPoolExecutor` workers are not daemonic (Python 3.9+), and a `ThreadPool` starts
no process.

The error, identical in 3.10-3.13 (checked by running the failing case on CPython 3.10-3.13): `AssertionError: daemonic processes are not allowed
to have children`.
""",
    fix_doc="""
**Convert to ProcessPoolExecutor** (unsafe) on the outer pool, whose workers may have children;
or **Use a ThreadPool inside** (unsafe): the inner `Pool(...)` becomes
`multiprocessing.pool.ThreadPool(...)`, which runs the inner tasks in threads of the worker.
""",
    check=check,
    name="nested-pool-in-daemon",
    severity=Severity.ERROR,
    fix=Fixable.SOMETIMES,
    crash_class=True,
)
