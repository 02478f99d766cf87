"""Threads, not processes: no findings expected."""
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.dummy import Pool as ThreadPool
from multiprocessing.pool import ThreadPool as TP

data = [1, 2, 3]
with ThreadPoolExecutor() as ex:
    print(list(ex.map(lambda x: x + 1, data)))
with ThreadPool(2) as tp:
    tp.map(lambda x: x, data)
pool = TP(2)
pool.map(lambda x: x * 3, data)
pool.close()
pool.join()
