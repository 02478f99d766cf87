from multiprocessing import Pool
from multiprocessing.shared_memory import ShareableList


def total(name):
    shared = ShareableList(name=name)
    try:
        return sum(shared)
    finally:
        shared.shm.close()


def attach_only(name):
    shared = ShareableList(None, name=name)
    value = shared[-1]
    shared.shm.close()
    return value


if __name__ == "__main__":
    numbers = ShareableList(range(100))
    try:
        with Pool(2) as pool:
            print(pool.map(total, [numbers.shm.name] * 2), attach_only(numbers.shm.name))
    finally:
        numbers.shm.close()
        numbers.shm.unlink()
