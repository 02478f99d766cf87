# proof: MP208
# fails-with: MaybeEncodingError|cannot pickle 'generator' object
# expect-output: rows: [[['a', 'b']], [['c', 'd'], ['e', 'f']]]
"""Parse CSV files in a pool with a generator function as the task."""
import os
import tempfile
from multiprocessing import Pool


def parse(path):
    with open(path) as fh:
        for line in fh:
            yield line.strip().split(",")


if __name__ == "__main__":
    tmp = tempfile.mkdtemp()
    paths = []
    for name, text in (("a.csv", "a,b\n"), ("b.csv", "c,d\ne,f\n")):
        paths.append(os.path.join(tmp, name))
        with open(paths[-1], "w") as out:
            out.write(text)
    with Pool(2) as pool:
        print("rows:", pool.map(parse, paths))
