"""MP606 nested-pool-in-daemon: a Pool task or a daemon process starts child processes."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from mpguard.findings import Safety
from mpguard.fixes.insert import add_import_from, replace_node
from mpguard.model import CallSite, Dispatch, ModuleModel, canonical, dotted_name
from mpguard.reach import bool_keyword, process_workers
from mpguard.rules import Example, Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType
from mpguard.semantic.walk import walk_tree
from mpguard.starts import ProcessStart, process_start_of

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

    def compute():
        new_call = call.with_changes(func=cst.Name(ObjectType.THREAD_POOL))
        module = replace_node(model.module, call, new_call)
        if module is None:
            return None
        if need_import:
            module = add_import_from(module, "multiprocessing.pool", ObjectType.THREAD_POOL)
        return module.code

    return ctx.fix(THREADPOOL_TITLE, Safety.UNSAFE, compute)


def _executor_fix(ctx: RuleContext, outer: Dispatch):
    """The outer Pool -> ProcessPoolExecutor conversion, when that fix module is available."""
    if not outer.receiver.is_type(ObjectType.POOL):
        return None
    try:
        from mpguard.fixes.pool_to_executor import can_convert_pool, convert_pool_to_executor
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

    def compute():
        try:
            new = convert_pool_to_executor(model, pool_node)
        except Exception:  # noqa: BLE001
            return None
        return None if new is None else new.code

    return ctx.fix(EXECUTOR_TITLE, Safety.UNSAFE, compute)


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
                start = process_start_of(model, site)
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
    examples=(
        Example(
            """
from multiprocessing import Pool

def square(x):
    return x * x

def batch_total(n):
    with Pool(2) as inner:  # expect
        return sum(inner.map(square, range(n)))

if __name__ == "__main__":
    with Pool(2) as outer:
        print(outer.map(batch_total, [3, 4, 5]))
""",
            True,
            "Pool inside a Pool task",
        ),
        Example(
            """
import multiprocessing as mp

def convert(path):
    return path.upper()

def process_folder(folder):
    files = [folder + str(i) for i in range(10)]
    pool = mp.Pool(4)  # expect
    try:
        return pool.map(convert, files)
    finally:
        pool.close()
        pool.join()

def handle(folder):
    return process_folder(folder)

def main(folders):
    with mp.get_context("spawn").Pool(3) as pool:
        return pool.map(handle, folders)
""",
            True,
            "transitively, through a helper",
        ),
        Example(
            """
from multiprocessing import Process, Manager

def monitor(stats):
    mgr = Manager()  # expect
    shared = mgr.dict()
    shared.update(stats)

if __name__ == "__main__":
    p = Process(target=monitor, args=({"a": 1},), daemon=True)
    p.start()
    p.join()
""",
            True,
            "a Manager inside a daemon=True process",
        ),
        Example(
            """
import multiprocessing

def child():
    print("child")

def supervisor():
    helper = multiprocessing.Process(target=child)
    helper.start()  # expect
    helper.join()

if __name__ == "__main__":
    sup = multiprocessing.Process(target=supervisor)
    sup.daemon = True
    sup.start()
    sup.join()
""",
            True,
            "daemon set as an attribute before start",
        ),
        Example(
            """
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

def inner_job(x):
    return x + 1

def outer_job(xs):
    with ProcessPoolExecutor(max_workers=2) as ex:
        return list(ex.map(inner_job, xs))  # expect

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(outer_job, [[1, 2], [3]]))
""",
            True,
            "a ProcessPoolExecutor inside a Pool task starts processes on map",
        ),
        Example(
            """
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

def fetch(url):
    return len(url)

def crawl(site):
    with ThreadPool(8) as tp:
        return tp.map(fetch, [site + "/a", site + "/b"])

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(crawl, ["x", "y"]))
""",
            False,
            "inner ThreadPool",
        ),
        Example(
            """
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

def square(x):
    return x * x

def batch_total(n):
    with Pool(2) as inner:
        return sum(inner.map(square, range(n)))

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as ex:
        print(list(ex.map(batch_total, [3, 4, 5])))
""",
            False,
            "outer ProcessPoolExecutor: workers are not daemonic",
        ),
        Example(
            """
import multiprocessing as mp

def child():
    print("child")

def supervisor():
    helper = mp.Process(target=child)
    helper.start()
    helper.join()

if __name__ == "__main__":
    sup = mp.Process(target=supervisor)
    sup.start()
    sup.join()
""",
            False,
            "a non-daemon process may have children",
        ),
        Example(
            """
from multiprocessing import Pool
from concurrent.futures import ThreadPoolExecutor

def square(x):
    return x * x

def run_all(n):
    with Pool(2) as inner:
        return inner.map(square, range(n))

def job(n):
    return n * 2

if __name__ == "__main__":
    with ThreadPoolExecutor(4) as tp:
        print(list(tp.map(run_all, [3, 4])))
    with Pool(2) as pool:
        print(pool.map(job, [1, 2]))
""",
            False,
            "Pool inside a thread pool task; the Pool task itself starts nothing",
        ),
    ),
)
