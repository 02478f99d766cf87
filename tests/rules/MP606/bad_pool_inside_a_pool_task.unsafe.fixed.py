from multiprocessing import Pool
from concurrent.futures import ProcessPoolExecutor

def square(x):
    return x * x

def batch_total(n):
    with Pool(2) as inner:  # error: MP606 7:10
        return sum(inner.map(square, range(n)))

if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as outer:
        print(list(outer.map(batch_total, [3, 4, 5])))
