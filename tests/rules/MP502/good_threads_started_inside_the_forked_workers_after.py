import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor

def fetch(x):
    return x

def crunch(x):
    with ThreadPoolExecutor(4) as tp:
        return sum(tp.map(fetch, range(x)))

if __name__ == "__main__":
    with mp.get_context("fork").Pool(2) as pool:
        print(pool.map(crunch, [3, 4]))
