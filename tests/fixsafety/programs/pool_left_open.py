"""A pool that is never closed: the program still works (the pool is cleaned up at exit)."""
from multiprocessing import Pool


def square(n):
    return n * n


if __name__ == "__main__":
    pool = Pool(2)
    print(pool.map(square, range(5)))
    lazy = Pool(2)
    print(sum(lazy.imap(square, [1, 2, 3])))
