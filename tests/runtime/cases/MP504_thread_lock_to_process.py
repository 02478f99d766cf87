# proof: MP504
# fails-with: cannot pickle '_thread.lock' object
# expect-output: all workers done
"""Workers append to one report file; a lock keeps their lines apart."""
import threading
from multiprocessing import Process


def work(lock, n):
    with lock:
        print("worker", n, "writes its line", flush=True)


if __name__ == "__main__":
    lock = threading.Lock()
    procs = [Process(target=work, args=(lock, i)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("all workers done")
