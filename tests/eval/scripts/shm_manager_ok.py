"""Share a lookup table with pool tasks; the manager owns and frees the segment."""
from multiprocessing import Pool
from multiprocessing.managers import SharedMemoryManager
from multiprocessing.shared_memory import ShareableList


def lookup(args):
    name, index = args
    table = ShareableList(name=name)
    try:
        return table[index]
    finally:
        table.shm.close()


if __name__ == "__main__":
    with SharedMemoryManager() as smm:
        table = smm.ShareableList([10, 20, 30])
        with Pool(2) as pool:
            print(pool.map(lookup, [(table.shm.name, i) for i in range(3)]))
