import os
from multiprocessing import Pool


def work(x):
    return x * int(os.environ.get("SCALE", "1"))


if __name__ == "__main__":
    with Pool(2, initializer=lambda: os.environ.setdefault("SCALE", "2")) as pool:  # expect: MP201
        print(pool.map(work, [1, 2, 3]))
