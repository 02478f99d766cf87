# proof: MP203
# fails-with: cannot pickle '_io\.(TextIOWrapper|BufferedReader)' object
# expect-output: header lengths: [4, 5]
"""Read the first line of each file in a process pool, handing the workers open files."""
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor


def header_length(fh):
    return len(fh.readline().strip())


if __name__ == "__main__":
    tmp = tempfile.mkdtemp()
    paths = []
    for name in ("a.csv", "b.csv"):
        paths.append(os.path.join(tmp, name))
        with open(paths[-1], "w") as out:
            out.write("id,x\n1,2\n" if name == "a.csv" else "id,yy\n")
    files = [open(p) for p in paths]
    with ProcessPoolExecutor(max_workers=2) as ex:
        print("header lengths:", list(ex.map(header_length, files)))
