# proof: MP203
# fails-with: cannot pickle '_thread.lock' object
# expect-output: wrote 4 lines
"""Append lines to one file from pool workers, serialised with a lock (a threading.Lock)."""
import os
import tempfile
import threading
from multiprocessing import Pool


def append_line(lock, path, line):
    with lock:
        with open(path, "a") as fh:
            fh.write(line + "\n")


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "out.txt")
    lock = threading.Lock()
    with Pool(2) as pool:
        jobs = [pool.apply_async(append_line, (lock, path, str(i))) for i in range(4)]
        for job in jobs:
            job.get()
    with open(path) as fh:
        print("wrote", len(fh.readlines()), "lines")
