from multiprocessing import Pool
from multiprocessing.shared_memory import ShareableList


def first(name):
    shared = ShareableList(name=name)
    value = shared[0]
    shared.shm.close()
    shared.shm.unlink()  # warning: MP608 9:5
    return value


if __name__ == "__main__":
    numbers = ShareableList([1, 2, 3])
    try:
        with Pool(4) as pool:
            print(pool.map(first, [numbers.shm.name] * 8))
    finally:
        numbers.shm.close()
        numbers.shm.unlink()
