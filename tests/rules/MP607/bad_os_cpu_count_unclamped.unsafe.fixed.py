import os
from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=min(61, os.cpu_count() or 1)) as ex:  # warning: MP607 8:42
        print(list(ex.map(work, range(8))))
