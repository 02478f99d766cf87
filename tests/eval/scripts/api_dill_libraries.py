"""pathos, multiprocess and p_tqdm pickle with dill: lambdas and closures are fine there."""
import multiprocess as mp
from p_tqdm import p_map, p_umap
from pathos.multiprocessing import ProcessingPool
from pathos.pools import ProcessPool


def scale_all(values, factor):
    def scale(v):
        return v * factor

    pool = ProcessPool(nodes=4)
    try:
        return pool.map(scale, values)
    finally:
        pool.close()
        pool.join()


def scores(rows):
    with mp.Pool(4) as pool:
        return pool.map(lambda r: sum(r) / len(r), rows)


def progress(rows):
    first = p_map(lambda r: max(r), rows)
    second = p_umap(lambda r: min(r), rows, num_cpus=2)
    return first, second


def legacy(rows):
    return ProcessingPool(2).map(lambda r: r[0], rows)


if __name__ == "__main__":
    rows = [[1, 2], [3, 4]]
    print(scale_all([1, 2], 3), scores(rows), progress(rows), legacy(rows))
