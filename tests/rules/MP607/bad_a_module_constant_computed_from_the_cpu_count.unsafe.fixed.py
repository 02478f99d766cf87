import multiprocessing
from concurrent.futures import ProcessPoolExecutor

WORKERS = multiprocessing.cpu_count() * 2

def work(x):
    return x

def run(items):
    with ProcessPoolExecutor(max_workers=min(61, WORKERS)) as ex:  # warning: MP607 10:42
        return list(ex.map(work, items))
