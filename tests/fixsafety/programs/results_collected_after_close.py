"""`apply_async` results collected after `close(); join()` inside the block; parent work between."""
from multiprocessing import Pool


def add(a, b):
    return a + b


if __name__ == "__main__":
    with Pool(2) as pool:
        pending = [pool.apply_async(add, (i, i)) for i in range(4)]
        print("parent: submitted", len(pending))
        pool.close()
        pool.join()
    print([p.get() for p in pending])
