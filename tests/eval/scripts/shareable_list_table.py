"""A lookup table shared with workers as a ShareableList: one leaks it, one cleans up."""
from multiprocessing import Pool
from multiprocessing.shared_memory import ShareableList


def lookup(args):
    name, index = args
    table = ShareableList(name=name)
    try:
        return table[index]
    finally:
        table.shm.close()


def leaky(values):
    table = ShareableList(values)  # expect: MP608
    with Pool(2) as pool:
        out = pool.map(lookup, [(table.shm.name, i) for i in range(len(table))])
    table.shm.close()
    return out


def tidy(values):
    table = ShareableList(values)
    try:
        with Pool(2) as pool:
            return pool.map(lookup, [(table.shm.name, i) for i in range(len(table))])
    finally:
        table.shm.close()
        table.shm.unlink()


if __name__ == "__main__":
    print(leaky([1, 2, 3]), tidy([4, 5, 6]))
