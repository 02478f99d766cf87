import os
from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as ex:  # warning: MP607 8:42
        print(list(ex.map(work, range(8))))
