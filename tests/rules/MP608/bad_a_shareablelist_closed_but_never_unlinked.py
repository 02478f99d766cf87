from multiprocessing import Pool
from multiprocessing.shared_memory import ShareableList


def total(name):
    shared = ShareableList(name=name)
    result = sum(shared)
    shared.shm.close()
    return result


if __name__ == "__main__":
    numbers = ShareableList(range(100))  # warning: MP608 13:15
    numbers[0] = -1
    with Pool(2) as pool:
        print(pool.map(total, [numbers.shm.name] * 2), len(numbers))
    numbers.shm.close()
