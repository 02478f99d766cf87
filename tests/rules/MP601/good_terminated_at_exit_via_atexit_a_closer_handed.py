import atexit
from multiprocessing import Pool

def work(x):
    return x

def start_service():
    pool = Pool(2)
    atexit.register(pool.terminate)
    return pool.apply_async(work, (1,))
