"""`close()` happens in a helper, `join()` in the caller."""
from multiprocessing import Pool


def triple(n):
    return 3 * n


def stop_accepting(pool):
    pool.close()


if __name__ == "__main__":
    pool = Pool(2)
    results = pool.map(triple, [1, 2, 3])
    stop_accepting(pool)
    pool.join()
    print(results)
