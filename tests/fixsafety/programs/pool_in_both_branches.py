"""A pool bound in both branches of an `if`, used and closed after it; one handed to a helper."""
import sys
from multiprocessing import Pool


def square(n):
    return n * n


def finish(pool):
    pool.close()
    pool.join()


def run(workers):
    if workers > 1:
        pool = Pool(workers)
    else:
        pool = Pool(1)
    results = pool.map(square, range(5))
    pool.close()
    pool.join()
    return results


if __name__ == "__main__":
    print(run(2))
    helper_pool = Pool(2)
    print(helper_pool.map(square, [4, 5]))
    finish(helper_pool)
    sys.stdout.flush()
