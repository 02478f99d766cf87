import os
from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

if __name__ == "__main__":
    n = min(61, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=n) as ex:
        print(list(ex.map(work, range(8))))
    with ProcessPoolExecutor(max_workers=8) as ex:
        print(list(ex.map(work, range(8))))
    with ProcessPoolExecutor() as ex:
        print(list(ex.map(work, range(8))))
