"""The parent does its own work while a submitted task runs, then collects the result.

Wrapping only the submit in `with ProcessPoolExecutor()` moves the wait for the task before
the parent's own work: slower, and the worker's line is printed first.
"""
import time
from concurrent.futures import ProcessPoolExecutor


def slow_square(n):
    time.sleep(2)
    print(f"worker: squared {n}", flush=True)
    return n * n


if __name__ == "__main__":
    executor = ProcessPoolExecutor(max_workers=1)
    future = executor.submit(slow_square, 7)
    print("parent: own work done", flush=True)
    print(f"parent: result {future.result()}", flush=True)
