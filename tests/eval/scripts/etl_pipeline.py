import logging
import multiprocessing as mp
from functools import partial

import numpy as np

log = logging.getLogger("etl")
RESULTS = []


def normalise(row, scale):
    log.info("row %s", row)  # expect: MP603
    return [v / scale for v in row]


def collect(row):
    RESULTS.append(sum(row))  # expect: MP501


def main():
    logging.basicConfig(level=logging.INFO)
    matrix = np.zeros((1000, 1000))
    ctx = mp.get_context("spawn")
    with ctx.Pool(4) as pool:
        out = pool.map(partial(normalise, scale=2.0), matrix)
        pool.map(collect, out)
        handle = pool.apply_async(sum, ([1, 2],))  # expect: MP402
    print(RESULTS, handle.get())


if __name__ == "__main__":
    main()
