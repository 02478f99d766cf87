import functools
from multiprocessing import Pool


@functools.lru_cache(maxsize=None)
def slow_square(x):
    return x * x


def work(x):
    return slow_square(x) + 1


if __name__ == "__main__":
    results = []
    with Pool(2) as pool:
        results = pool.map(work, range(4))
    work = None  # rebound after the pool is gone: nothing is pickled any more
    print(results)
