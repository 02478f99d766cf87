"""MP604 join-without-close: `pool.join()` on a pool that was never closed or terminated."""

from __future__ import annotations

import libcst as cst

from mpguard.findings import Safety
from mpguard.fixes.multi_edit import MultiEdit
from mpguard.rules import Example, Fixable, Rule, RuleContext, Severity
from mpguard.semantic.kinds import ObjectType


def check(ctx: RuleContext) -> None:
    for join in ctx.facts.pools.joins:
        if join.after_with_exit or join.closed_before is not False or join.escapes_before:
            continue
        site, recv, pool = join.site, join.receiver, join.pool
        kind = ObjectType.THREAD_POOL if pool.is_type(ObjectType.THREAD_POOL) else "Pool"
        message = f"`{recv}.join()` while the {kind} still accepts work raises `ValueError`"
        fixes = []
        statement = site.statement
        if isinstance(statement, cst.BaseSmallStatement) and statement is not None:
            fixes.append(ctx.fix(f"Insert `{recv}.close()`", Safety.SAFE, preferred=True, key="insert-close",
                                 edit=MultiEdit().insert_small_before(statement, f"{recv}.close()\n")))
        related = []
        if pool.node is not None:
            related.append((pool.node, "the pool is created here"))
        ctx.report(site.node, message, fixes=fixes, related=related)


RULE = Rule(
    code="MP604",
    summary="`Pool.join()` without a preceding `close()` or `terminate()` raises `ValueError`.",
    why="""
`multiprocessing.Pool.join()` waits for the worker processes to exit, which they only do once the
pool has been told that no more work is coming. It therefore checks the pool's state first and
raises `ValueError: Pool is still running` when neither `close()` nor `terminate()` was called.
The same holds for `multiprocessing.pool.ThreadPool`. (`Process.join()` and
`ProcessPoolExecutor`, which has no `join`, are not concerned.)

The exception, identical in 3.10-3.13 (checked by running the failing case on CPython 3.10-3.13): `ValueError: Pool is still running`. The results
computed so far are lost with it, under every start method.
""",
    fix_doc="""
**Insert `pool.close()`** (safe): adds `<pool>.close()` on its own line right before the
`join()`, with the same indentation. Better still, use the pool as a context manager.
""",
    check=check,
    name="join-without-close",
    severity=Severity.ERROR,
    fix=Fixable.SOMETIMES,
    crash_class=True,
    examples=(
        Example(
            """
from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == "__main__":
    pool = Pool(4)
    results = pool.map(square, range(10))
    pool.join()  # expect
    print(results)
""",
            True,
            "join right after map",
        ),
        Example(
            """
import multiprocessing as mp

def fetch(url):
    return len(url)

def crawl(urls):
    workers = mp.Pool(processes=8)
    pending = [workers.apply_async(fetch, (u,)) for u in urls]
    # wait for everything
    workers.join()  # expect
    return [p.get() for p in pending]
""",
            True,
            "apply_async then join, comment kept above",
        ),
        Example(
            """
from multiprocessing.pool import ThreadPool

def ping(host):
    return host

def main(hosts):
    tp = ThreadPool(16)
    out = tp.map(ping, hosts)
    tp.join()  # expect
    return out
""",
            True,
            "ThreadPool has the same check",
        ),
        Example(
            """
from multiprocessing import Pool

def work(x):
    return x + 1

class Runner:
    def __init__(self):
        self.pool = Pool(2)

    def run(self, items):
        out = self.pool.map(work, items)
        self.pool.join()  # expect
        return out
""",
            True,
            "pool stored on self, never closed anywhere",
        ),
        Example(
            """
from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == "__main__":
    with Pool(4) as pool:
        results = pool.map(square, range(10))
        pool.join()  # expect
""",
            True,
            "join inside the with block",
        ),
        Example(
            """
from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == "__main__":
    pool = Pool(4)
    results = pool.map(square, range(10))
    pool.close()
    pool.join()
    print(results)
""",
            False,
            "close then join",
        ),
        Example(
            """
from multiprocessing import Pool

def square(x):
    return x * x

def main():
    pool = Pool(4)
    try:
        return pool.map(square, range(10))
    except KeyboardInterrupt:
        pool.terminate()
        raise
    finally:
        pool.close()
        pool.join()
""",
            False,
            "try/finally with terminate and close",
        ),
        Example(
            """
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

def main():
    p = mp.Process(target=work, args=(1,))
    p.start()
    p.join()
    ex = ProcessPoolExecutor()
    ex.submit(work, 2)
    ex.shutdown()
""",
            False,
            "Process.join and executors are not pools",
        ),
        Example(
            """
from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == "__main__":
    with Pool(4) as pool:
        results = pool.map(square, range(10))
    pool.join()
""",
            False,
            "join after the with block: __exit__ already terminated the pool",
        ),
        Example(
            """
from multiprocessing import Pool

def work(x):
    return x

class Service:
    def __init__(self):
        self.pool = Pool(2)

    def stop(self):
        self.pool.close()

    def wait(self):
        self.pool.join()
""",
            False,
            "closed in another method: flow unknown",
        ),
        Example(
            """
from multiprocessing import Pool

def shutdown(pool):
    pool.close()

def main():
    pool = Pool(2)
    pool.map(abs, [-1, 2])
    shutdown(pool)
    pool.join()
""",
            False,
            "closed by a helper it was handed to",
        ),
    ),
)
