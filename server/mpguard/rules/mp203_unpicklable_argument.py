"""MP203 unpicklable-argument: an argument sent to worker processes cannot be pickled."""

from __future__ import annotations

from typing import Iterator, Optional

import libcst as cst

from mpguard.model import Dispatch, ModuleModel, Scope, Value, get_arg
from mpguard.pickling import api_text, constructor_qualname, is_partial, is_task, when_pickled
from mpguard.rules import Example, Rule, RuleContext, Severity

# DB-API connections that are C objects (or hold one) and really cannot be pickled. Pure-Python
# clients that only hold sockets may pickle through multiprocessing's socket reducer: not listed.
_DB_CONNECT = {"sqlite3.connect", "psycopg2.connect", "psycopg.connect", "pyodbc.connect",
               "MySQLdb.connect", "cx_Oracle.connect"}
_SHARED_CTYPES = ("Value", "Array", "RawValue", "RawArray")


def classify(model: ModuleModel, v: Value, task: bool) -> Optional[tuple[str, str, str]]:
    """(what it is, the error pickling raises, what to do) for values that cannot cross."""
    if v.kind != "instance":
        return None
    t = v.qualname
    ctor = constructor_qualname(model, v) or ""
    if t == "file":
        return ("an open file", "TypeError: cannot pickle '_io.TextIOWrapper' object",
                "Pass the path and open the file in the worker.")
    if t in ("thread.sync", "thread.queue") and not task:
        return None  # Process(args=)/initargs: MP504 reports thread primitives there, with a fix
    if t == "thread.sync" and ctor.startswith(("threading.", "multiprocessing.dummy.")):
        name = ctor.rsplit(".", 1)[-1]
        err = "'_thread.RLock'" if name == "RLock" else "'_thread.lock'"
        fix = ("Use `multiprocessing.Manager().Lock()`, or give the workers a `multiprocessing` lock once "
               "through `initializer`/`initargs`." if task else
               f"Use `multiprocessing.{name}()`, which is made to be shared with child processes.")
        return (f"a `threading.{name}`", f"TypeError: cannot pickle {err} object", fix)
    if t == "thread.queue" and ctor.startswith(("queue.", "multiprocessing.dummy.")):
        name = ctor.rsplit(".", 1)[-1]
        err = "'_queue.SimpleQueue'" if name == "SimpleQueue" else "'_thread.lock'"
        return (f"a `queue.{name}` (a thread queue)", f"TypeError: cannot pickle {err} object",
                "Use `multiprocessing.Manager().Queue()`." if task else "Use `multiprocessing.Queue()`.")
    if t == "connection":
        base = ctor.split("()", 1)[0]
        if base not in _DB_CONNECT:
            return None
        kind = "cursor" if ctor.endswith(".cursor") else "connection"
        return (f"a `{base.split('.')[0]}` database {kind}",
                f"TypeError: cannot pickle the {kind} object",
                "Pass the connection parameters (e.g. the database path) and connect in the worker or in an "
                "initializer.")
    if t == "generator":
        return ("a generator", "TypeError: cannot pickle 'generator' object",
                "Pass `list(...)` of it, or the parameters the worker needs to produce the items itself.")
    if t in ("mp.Pool", "ThreadPool"):
        return ("a pool", "NotImplementedError: pool objects cannot be passed between processes or pickled",
                "Workers cannot use the parent's pool: return data to the parent and submit follow-up work there.")
    if t in ("ProcessPoolExecutor", "ThreadPoolExecutor"):
        return ("an executor", "TypeError: cannot pickle '_thread.lock' object",
                "Workers cannot use the parent's executor: return data to the parent and submit follow-up work there.")
    if not task:
        return None  # multiprocessing primitives are inherited by Process/initializer: supported
    if t == "mp.queue":
        return ("a `multiprocessing` queue",
                "RuntimeError: Queue objects should only be shared between processes through inheritance",
                "Use `multiprocessing.Manager().Queue()`, or hand the queue to the workers once through "
                "`initializer`/`initargs`.")
    if t == "mp.sync":
        return ("a `multiprocessing` synchronization primitive",
                "RuntimeError: ... objects should only be shared between processes through inheritance",
                "Use the `multiprocessing.Manager()` equivalent, or hand it to the workers once through "
                "`initializer`/`initargs`.")
    if t == "mp.shared" and ctor.rsplit(".", 1)[-1] in _SHARED_CTYPES and "shared_memory" not in ctor:
        return ("a shared `multiprocessing` Value/Array",
                "RuntimeError: Synchronized objects should only be shared between processes through inheritance",
                "Hand it to the workers once through `initializer`/`initargs`, or use a `Manager()` value.")
    return None


# --------------------------------------------------------------------------------------------
# what a dispatch sends
# --------------------------------------------------------------------------------------------

def payload(model: ModuleModel, d: Dispatch) -> Iterator[tuple[cst.BaseExpression, bool, str]]:
    """(expression at the call site, is it an iterable of items, how it is sent)."""
    call = d.site.node
    method = d.api.split(".", 1)[-1]
    # Arguments bound with functools.partial travel with the pickled function.
    w = d.worker.value if d.worker is not None else None
    while w is not None and is_partial(model, w, d.site):
        assert isinstance(w, cst.Call)
        for i, a in enumerate(w.args):
            if i == 0 and a.keyword is None:
                continue
            if not a.star:
                yield a.value, False, "`functools.partial` arguments"
        first = get_arg(w, None, 0)
        w = first.value if first is not None else None
    if d.api.startswith("pool.") and method in ("apply", "apply_async"):
        for name, pos in (("args", 1), ("kwds", 2)):
            a = get_arg(call, name, pos)
            if a is not None:
                yield a.value, False, "arguments"
    elif d.api.startswith("pool.") and method != "init":
        a = get_arg(call, "iterable", 1)
        if a is not None:
            yield a.value, True, "items"
    elif d.api in ("executor.submit", "executor.map"):
        after = False
        for a in call.args:
            if d.worker is not None and a is d.worker:
                after = True
                continue
            if not after or a.star or (a.keyword is not None and (d.api == "executor.map" or a.keyword.value == "fn")):
                continue
            yield a.value, d.api == "executor.map", "arguments" if d.api == "executor.submit" else "items"
    elif d.api == "process":
        subclass = d.receiver.class_info is not None
        for name, pos in (("args", 3), ("kwargs", 4)):
            a = get_arg(call, name, None if subclass else pos)
            if a is not None:
                yield a.value, False, "Process arguments"
    elif d.api in ("pool.init", "executor.init"):
        a = get_arg(call, "initargs", 2 if d.api == "pool.init" else 3)
        if a is not None:
            yield a.value, False, "initargs"


def _literal(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int
             ) -> Optional[tuple[cst.BaseExpression, Scope, int]]:
    if isinstance(expr, cst.Name):
        b = model.binding_before(expr.value, scope, seq)
        if b is None or b.kind != "assign" or b.value is None or b.scope is None or b.unpack_index is not None:
            return None
        if isinstance(b.value, (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            return b.value, b.scope, b.seq
        return None
    if isinstance(expr, (cst.List, cst.Tuple, cst.Set, cst.Dict, cst.ListComp, cst.SetComp, cst.GeneratorExp)):
        return expr, scope, seq
    return None


def leaves(model: ModuleModel, expr: cst.BaseExpression, scope: Scope, seq: int, iterable: bool,
           anchor: Optional[cst.BaseExpression] = None, depth: int = 0
           ) -> Iterator[tuple[cst.BaseExpression, cst.BaseExpression, Scope, int]]:
    """(report node, leaf expression, scope, seq) for every object that gets pickled."""
    if depth > 5:
        return
    lit = _literal(model, expr, scope, seq)
    if lit is not None and anchor is None and isinstance(expr, cst.Name):
        anchor = expr
    if iterable:
        if lit is None:
            return
        node, sc, sq = lit
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            for el in node.elements:
                if not isinstance(el, cst.StarredElement):
                    yield from leaves(model, el.value, sc, sq, False, anchor, depth + 1)
        elif isinstance(node, (cst.ListComp, cst.SetComp, cst.GeneratorExp)):
            inner = model.node_scope.get(id(node))
            if inner is not None:
                yield from leaves(model, node.elt, inner, sq, False, anchor, depth + 1)
        return
    if lit is not None:
        node, sc, sq = lit
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            for el in node.elements:
                if not isinstance(el, cst.StarredElement):
                    yield from leaves(model, el.value, sc, sq, False, anchor, depth + 1)
            return
        if isinstance(node, cst.Dict):
            for el in node.elements:
                if isinstance(el, cst.DictElement):
                    yield from leaves(model, el.value, sc, sq, False, anchor, depth + 1)
            return
        if isinstance(node, (cst.ListComp, cst.SetComp)):
            inner = model.node_scope.get(id(node))
            if inner is not None:
                yield from leaves(model, node.elt, inner, sq, False, anchor, depth + 1)
            return
    yield (anchor or expr), expr, scope, seq


def check(ctx: RuleContext) -> None:
    model = ctx.model

    def syntactic(leaf, scope, seq, task):
        v = model.resolve(leaf, scope, seq)
        created = v.node if isinstance(v.node, cst.Call) and v.node is not leaf else None
        return classify(model, v, task), created

    report_unpicklable(ctx, syntactic)


def report_unpicklable(ctx: RuleContext, classify_leaf) -> None:
    """Report every payload leaf that `classify_leaf(leaf, scope, seq, task)` says cannot cross.

    `classify_leaf` returns ((what, error, advice) or None, node where it was created or None);
    the syntactic rule classifies from the module model, the type-aware lane from jedi's answers.
    """
    model = ctx.model
    reported: set[int] = set()
    for d in model.iter_process_dispatches():
        when = when_pickled(model, d)
        if when is None:
            continue
        task = is_task(d)
        for expr, iterable, how in payload(model, d):
            for node, leaf, scope, seq in leaves(model, expr, d.site.scope, d.site.seq, iterable):
                if id(node) in reported:
                    continue
                got, created = classify_leaf(leaf, scope, seq, task)
                if got is None:
                    continue
                what, error, advice = got
                reported.add(id(node))
                text = model.module.code_for_node(node).strip()
                text = text if len(text) <= 40 and "\n" not in text else "this value"
                subject = f"`{text}`" if text != "this value" else "This value"
                inside = "" if node is leaf else f" (it holds `{model.module.code_for_node(leaf).strip()[:40]}`)"
                if task:
                    sent = (f"{api_text(d)} pickles its {how} to send them to the worker processes under every "
                            "start method")
                elif how.startswith("`functools"):
                    sent = (f"under the `{when}` start method the callable of {api_text(d)}, with its {how}, is "
                            "pickled to start the child process")
                else:
                    sent = (f"under the `{when}` start method the {how} of {api_text(d)} are pickled to start "
                            "the child process")
                related = [(created, "created here")] if created is not None else []
                verb = "can only be shared with child processes by inheritance" if what.startswith(
                    ("a `multiprocessing`", "a shared `multiprocessing`")) else "cannot be pickled"
                ctx.report(node, f"{subject} is {what}{inside}: {sent}, and {what} {verb} "
                                 f"(\"{error}\"). {advice}", related=related)


RULE = Rule(
    code="MP203",
    summary="An argument sent to worker processes (an open file, a thread lock, a DB connection, a generator, "
            "a pool, or a multiprocessing queue/lock given to a Pool task) cannot be pickled.",
    why="""
Everything a Pool/ProcessPoolExecutor task carries (`apply_async(f, args)`, the items of `map`,
`submit(f, *args)`) is pickled under every start method; `Process(args=...)` and
`initargs=` are pickled under `spawn`/`forkserver`. Open files, `threading` locks and queues, DB-API
connections and cursors, generators, pools and executors cannot be pickled
(`TypeError: cannot pickle '_thread.lock' object`, `cannot pickle 'generator' object`, ...).
`multiprocessing` queues, locks and shared values can only be *inherited* — passed to `Process(args=)`
or `initargs` — and raise `RuntimeError: Queue objects should only be shared between processes through
inheritance` when sent with a task. `Manager()` proxies pickle fine.
""",
    fix_doc="""
Send what the worker needs to recreate the resource — a path, a connection string, `list(gen)` — or use
`multiprocessing.Manager()` queues/locks, or hand `multiprocessing` primitives to the workers once
through `Pool(initializer=..., initargs=(...))`. There is no automatic fix.
""",
    check=check,
    name="unpicklable-argument",
    severity=Severity.ERROR,
    crash_class=True,
    examples=(
        Example(
            """
import threading
from multiprocessing import Pool

def append_line(lock, path, line):
    with lock:
        with open(path, "a") as fh:
            fh.write(line)

if __name__ == "__main__":
    lock = threading.Lock()
    with Pool(4) as pool:
        jobs = [pool.apply_async(append_line, (lock, "out.txt", str(i))) for i in range(8)]  # expect
        [j.get() for j in jobs]
""",
            True,
            "threading.Lock in apply_async args",
            start_method="fork",
        ),
        Example(
            """
import sqlite3
from multiprocessing import Pool

def load(conn, part):
    return conn.execute("select count(*) from t where part = ?", (part,)).fetchone()

def main(parts):
    conn = sqlite3.connect("data.db")
    with Pool() as pool:
        return pool.starmap(load, [(conn, p) for p in parts])  # expect
""",
            True,
            "a sqlite3 connection inside the items of starmap",
        ),
        Example(
            """
import multiprocessing as mp

def work(item, q):
    q.put(item * 2)

if __name__ == "__main__":
    q = mp.Queue()
    with mp.Pool(2) as pool:
        for i in range(4):
            pool.apply_async(work, (i, q)).get()  # expect
""",
            True,
            "a multiprocessing.Queue sent with a Pool task",
        ),
        Example(
            """
from concurrent.futures import ProcessPoolExecutor

def write_part(out, part):
    out.write(part)

def main(parts):
    with open("result.jsonl", "w") as out, ProcessPoolExecutor() as ex:
        for part in parts:
            ex.submit(write_part, out, part)  # expect
""",
            True,
            "an open file passed to submit",
        ),
        Example(
            """
import multiprocessing as mp

def consume(rows, q):
    for r in rows:
        q.put(r)

def main(path):
    q = mp.Queue()
    rows = (line.strip() for line in open(path))
    p = mp.Process(target=consume, args=(rows, q))  # expect
    p.start()
""",
            True,
            "a generator as Process argument under spawn (the mp.Queue next to it is fine)",
        ),
        Example(
            """
import threading
import multiprocessing as mp

def init(log):
    global LOG
    LOG = log

def main():
    ctx = mp.get_context("spawn")
    with ctx.Pool(2, initializer=init, initargs=(open("run.log", "a"),)) as pool:  # expect
        pool.map(abs, [1, -2])
""",
            True,
            "an open file in initargs under spawn",
        ),
        Example(
            """
import multiprocessing as mp
from functools import partial

def work(q, item):
    q.put(item)

def main(items):
    q = mp.Queue()
    with mp.Pool(2) as pool:
        pool.map(partial(work, q), items)  # expect
    return [q.get() for _ in items]
""",
            True,
            "a multiprocessing.Queue bound with functools.partial travels with every task",
        ),
        Example(
            """
import multiprocessing as mp

def work(item, q, lock):
    with lock:
        q.put(item)

if __name__ == "__main__":
    manager = mp.Manager()
    q = manager.Queue()
    lock = manager.Lock()
    with mp.Pool(2) as pool:
        pool.starmap(work, [(i, q, lock) for i in range(4)])
""",
            False,
            "Manager proxies pickle fine",
        ),
        Example(
            """
import multiprocessing as mp

def init(q, lock):
    global Q, LOCK
    Q, LOCK = q, lock

def producer(q, lock):
    with lock:
        q.put(1)

if __name__ == "__main__":
    q = mp.Queue()
    lock = mp.Lock()
    p = mp.Process(target=producer, args=(q, lock))
    p.start()
    with mp.Pool(2, initializer=init, initargs=(q, lock)) as pool:
        pool.map(abs, [1, 2])
    p.join()
""",
            False,
            "multiprocessing primitives passed through Process(args=) and initargs (inheritance)",
        ),
        Example(
            """
import threading
import multiprocessing as mp

def worker(lock, path):
    with lock, open(path) as fh:
        print(fh.readline())

if __name__ == "__main__":
    mp.set_start_method("fork")
    lock = threading.Lock()
    fh = open("data.txt")
    p = mp.Process(target=worker, args=(lock, "data.txt"))
    p.start()
    p.join()
""",
            False,
            "Process(args=) under fork is inherited, not pickled; the path is passed, not the file",
        ),
        Example(
            """
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool

def work(lock, fh):
    with lock:
        return fh.readline()

def main():
    lock = threading.Lock()
    with open("x") as fh, ThreadPoolExecutor() as ex, ThreadPool() as tp:
        ex.submit(work, lock, fh).result()
        tp.apply_async(work, (lock, fh)).get()
""",
            False,
            "thread pools share objects, nothing is pickled",
        ),
        Example(
            """
from multiprocessing import Pool
from multiprocessing import shared_memory

def work(name, i):
    return i

def main(paths):
    shm = shared_memory.SharedMemory(create=True, size=1024)
    gen = (p.upper() for p in paths)
    with Pool() as pool:
        pool.starmap(work, [(shm.name, i) for i in range(3)])
        pool.map(len, gen)
        pool.apply_async(work, (shm, 1)).get()
""",
            False,
            "a generator as the iterable of map (items are sent, not the generator); SharedMemory pickles",
        ),
    ),
)
