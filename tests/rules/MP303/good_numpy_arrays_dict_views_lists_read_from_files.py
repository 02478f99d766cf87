import numpy as np
from multiprocessing import Pool

def norm(row):
    return float(np.linalg.norm(row))

if __name__ == "__main__":
    data = np.random.rand(1000, 3)
    lookup = {"a": 1, "b": 2}
    with Pool(4) as pool:
        norms = pool.map(norm, data)
        vals = pool.map(abs, lookup.values())
        with open("names.txt") as fh:
            names = fh.read().splitlines()
        upper = pool.map(str.upper, names)
        lines = pool.map(str.strip, open("names.txt").readlines())
