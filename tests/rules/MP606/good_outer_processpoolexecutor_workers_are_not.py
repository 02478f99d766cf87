from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

def square(x):
    return x * x

def batch_total(n):
    with Pool(2) as inner:
        return sum(inner.map(square, range(n)))

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as ex:
        print(list(ex.map(batch_total, [3, 4, 5])))
