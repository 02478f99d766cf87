import os
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool

def work(x):
    return x

if __name__ == "__main__":
    with ThreadPoolExecutor(max_workers=os.cpu_count() * 4) as ex:
        print(list(ex.map(work, range(8))))
    with ThreadPool(os.cpu_count() * 8) as pool:
        print(pool.map(work, range(8)))
