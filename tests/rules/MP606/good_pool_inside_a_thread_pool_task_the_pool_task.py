from multiprocessing import Pool
from concurrent.futures import ThreadPoolExecutor

def square(x):
    return x * x

def run_all(n):
    with Pool(2) as inner:
        return inner.map(square, range(n))

def job(n):
    return n * 2

if __name__ == "__main__":
    with ThreadPoolExecutor(4) as tp:
        print(list(tp.map(run_all, [3, 4])))
    with Pool(2) as pool:
        print(pool.map(job, [1, 2]))
