import itertools
from multiprocessing import Pool
from concurrent.futures import ThreadPoolExecutor

def read_lines(path):
    with open(path) as fh:
        yield from fh

def work(x):
    return x

if __name__ == "__main__":
    with Pool(4) as pool:
        for r in pool.imap(work, read_lines("a.txt"), chunksize=64):
            print(r)
        for r in pool.imap_unordered(work, itertools.count(), chunksize=16):
            break
    with ThreadPoolExecutor() as tp:
        list(tp.map(work, read_lines("a.txt")))
