import multiprocessing as mp

def work(x):
    return x

ctx = mp.get_context("fork")
with ctx.Pool(2) as pool:
    pool.map(work, range(3))
