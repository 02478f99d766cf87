from multiprocessing.pool import ThreadPool
from multiprocessing import Pool

def work(x):
    return x

POOL = Pool(2)

def run(xs):
    tp = ThreadPool(4)
    return POOL.map(work, xs), tp.map(work, xs)
