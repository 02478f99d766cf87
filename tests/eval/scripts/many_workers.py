import os
from concurrent.futures import ProcessPoolExecutor


def f(x):
    return x


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as ex:  # expect: MP607
        print(list(ex.map(f, range(3), chunksize=1)))
    with ProcessPoolExecutor(max_workers=64) as ex:  # expect: MP607
        print(list(ex.map(f, range(3), chunksize=1)))
