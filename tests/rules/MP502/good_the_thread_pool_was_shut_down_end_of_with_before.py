import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor

def fetch(x):
    return x

def crunch(x):
    return x * 2

if __name__ == "__main__":
    with ThreadPoolExecutor(4) as tp:
        data = list(tp.map(fetch, range(4)))
    with mp.get_context("fork").Pool(2) as pool:
        print(pool.map(crunch, data))
