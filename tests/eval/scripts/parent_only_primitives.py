"""A module-level lock guards the parent's own bookkeeping; workers get their queue in args."""
import multiprocessing as mp
import threading

state_lock = mp.Lock()
finished = []


def work(q, n):
    q.put(n * n)


def collect(q, count):
    for _ in range(count):
        value = q.get()
        with state_lock:
            finished.append(value)


if __name__ == "__main__":
    q = mp.Queue()
    procs = [mp.Process(target=work, args=(q, i)) for i in range(4)]
    for p in procs:
        p.start()
    collector = threading.Thread(target=collect, args=(q, 4))
    collector.start()
    collector.join()
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(p.exitcode)
    print(sorted(finished))
