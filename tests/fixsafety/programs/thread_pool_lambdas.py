"""Lambdas go only to thread pools; the process pool gets a module-level function."""
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool


def negate(n):
    return -n


if __name__ == "__main__":
    with ThreadPoolExecutor(2) as threads:
        print(list(threads.map(lambda n: n + 1, range(3))))
    with ThreadPool(2) as thread_pool:
        print(thread_pool.map(lambda n: n * 2, range(3)))
    with Pool(2) as pool:
        print(pool.map(negate, range(3)))
