"""MP605 terminate-with-shared-resources: `terminate()`/`kill()` on a process that was handed a
multiprocessing Queue, Lock, Pipe or Event."""

from __future__ import annotations


import libcst as cst

from mpguard.model import Dispatch, ModuleModel, dotted_name
from mpguard.pickling import call_site_of, constructor_qualname, inherited_payload
from mpguard.rules import Example, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType, ValueKind
from mpguard.valueflow import trace

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
            expr, what = shared[0]
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
    examples=(
        Example(
            """
import multiprocessing as mp
import time

def reader(path, out):
    for line in open(path):
        out.put(line)

if __name__ == "__main__":
    q = mp.Queue()
    p = mp.Process(target=reader, args=("data.txt", q))
    p.start()
    time.sleep(2)
    p.terminate()  # expect
    print(q.get())
""",
            True,
            "terminating a producer that writes to a queue",
        ),
        Example(
            """
from multiprocessing import Lock, Process

def append_log(lock, msg):
    with lock:
        with open("log.txt", "a") as f:
            f.write(msg)

def main():
    lock = Lock()
    workers = [Process(target=append_log, args=(lock, str(i))) for i in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.kill()  # expect

if __name__ == "__main__":
    main()
""",
            True,
            "killing processes that share a lock",
        ),
        Example(
            """
import multiprocessing as mp

def serve(conn):
    while True:
        conn.send(conn.recv())

class Server:
    def start(self):
        self.parent_end, child_end = mp.Pipe()
        self.proc = mp.Process(target=serve, args=(child_end,))
        self.proc.start()

    def stop(self):
        self.proc.terminate()  # expect
""",
            True,
            "a pipe end, terminated from another method",
        ),
        Example(
            """
import multiprocessing as mp
import time

def spin(n):
    while True:
        n += 1

if __name__ == "__main__":
    p = mp.Process(target=spin, args=(0,))
    p.start()
    time.sleep(1)
    p.terminate()
    p.join()
""",
            False,
            "no shared primitives",
        ),
        Example(
            """
import multiprocessing as mp

def consume(q, stop):
    while not stop.is_set():
        q.get()

if __name__ == "__main__":
    q, stop = mp.Queue(), mp.Event()
    p = mp.Process(target=consume, args=(q, stop))
    p.start()
    stop.set()
    p.join()
""",
            False,
            "stopped with an event and joined",
        ),
        Example(
            """
import multiprocessing as mp

def job(x):
    return x

if __name__ == "__main__":
    q = mp.Queue()
    pool = mp.Pool(2)
    pool.map(job, [1, 2])
    pool.terminate()
    helper = mp.Process(target=job, args=(1,))
    helper.start()
    helper.terminate()
    helper.join()
""",
            False,
            "pool.terminate and a helper without shared resources",
        ),
    ),
)
