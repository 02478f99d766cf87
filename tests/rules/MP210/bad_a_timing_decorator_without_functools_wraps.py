import time
from multiprocessing import Pool

def timed(fn):
    def wrapper(*args):
        start = time.perf_counter()
        result = fn(*args)
        print(fn.__name__, time.perf_counter() - start)
        return result
    return wrapper

@timed
def square(x):
    return x * x

if __name__ == "__main__":
    with Pool(4) as pool:
        print(pool.map(square, range(10)))  # error: MP210 18:24
