# Hand-written fix for MP203_threading_lock.py: a Manager lock proxy pickles.
"""Append lines to one file from pool workers, serialised with a lock (a Manager lock)."""
import multiprocessing
import os
import tempfile
from multiprocessing import Pool


def append_line(lock, path, line):
    with lock:
        with open(path, "a") as fh:
            fh.write(line + "\n")


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "out.txt")
    with multiprocessing.Manager() as manager:
        lock = manager.Lock()
        with Pool(2) as pool:
            jobs = [pool.apply_async(append_line, (lock, path, str(i))) for i in range(4)]
            for job in jobs:
                job.get()
    with open(path) as fh:
        print("wrote", len(fh.readlines()), "lines")
