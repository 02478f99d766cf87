"""Results of `map_async` read after the parent's own work; the pool is left to the exit handler."""
from multiprocessing import Pool


def square(n):
    return n * n


if __name__ == "__main__":
    pool = Pool(2)
    pending = pool.map_async(square, range(4))
    print("parent: own work done")
    print(pending.get())
