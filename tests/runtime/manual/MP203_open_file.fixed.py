# Hand-written fix for MP203_open_file.py: pass the paths, open the files in the worker.
"""Read the first line of each file in a process pool, handing the workers paths."""
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor


def header_length(path):
    with open(path) as fh:
        return len(fh.readline().strip())


if __name__ == "__main__":
    tmp = tempfile.mkdtemp()
    paths = []
    for name in ("a.csv", "b.csv"):
        paths.append(os.path.join(tmp, name))
        with open(paths[-1], "w") as out:
            out.write("id,x\n1,2\n" if name == "a.csv" else "id,yy\n")
    with ProcessPoolExecutor(max_workers=2) as ex:
        print("header lengths:", list(ex.map(header_length, paths)))
