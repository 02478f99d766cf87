"""MP203 unpicklable-argument: an argument sent to worker processes cannot be pickled."""

from __future__ import annotations

from mpguard.facts.pickling import api_text, is_task, leaves, payload, when_pickled
from mpguard.rules import Example, Rule, RuleContext, Severity


def check(ctx: RuleContext) -> None:
    report_unpicklable(ctx, ctx.facts.pickling.classify_leaf)


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
                what, _error, _advice = got  # the error text and the advice are in the rule's docs
                reported.add(id(node))
                text = model.module.code_for_node(node).strip()
                subject = f"`{text}`" if len(text) <= 24 and "\n" not in text else "This value"
                if node is not leaf:
                    subject += f" (holding `{model.module.code_for_node(leaf).strip()[:20]}`)"
                spawn_only = "" if task else f" under `{when}`"
                related = [(created, "created here")] if created is not None else []
                # One sentence of at most 100 characters: drop the details that do not fit.
                message = f"{subject} is {what}, which {api_text(d)} cannot pickle{spawn_only}"
                if len(message) > 100:
                    message = f"{subject} is {what} and cannot be pickled{spawn_only}"
                if len(message) > 100:
                    message = f"This value is {what} and cannot be pickled"
                ctx.report(node, message, related=related)


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

The errors, by Python version (checked by running the failing case on CPython 3.10-3.13):

- generator: `TypeError: cannot pickle 'generator' object` (3.10-3.13)
- open file: `TypeError: cannot pickle '_io.TextIOWrapper' object` (3.10, 3.11),
  `TypeError: cannot pickle 'TextIOWrapper' instances` (3.12, 3.13)
- `threading.Lock`: `TypeError: cannot pickle '_thread.lock' object` (3.10-3.13)
- `sqlite3` connection: `TypeError: cannot pickle 'sqlite3.Connection' object` (3.10-3.13)
- `multiprocessing.Queue` sent with a task: `RuntimeError: Queue objects should only be shared
  between processes through inheritance` (3.10-3.13)
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
