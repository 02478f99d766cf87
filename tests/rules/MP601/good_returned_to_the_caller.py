import multiprocessing as mp

def make_pool(n):
    pool = mp.Pool(n)
    return pool

def run(pool, xs):
    try:
        return pool.map(abs, xs)
    finally:
        pool.terminate()
