import multiprocessing as mp
from functools import partial

def work(q, item):
    q.put(item)

def main(items):
    q = mp.Queue()
    with mp.Pool(2) as pool:
        pool.map(partial(work, q), items)  # error: MP203 10:32
    return [q.get() for _ in items]
