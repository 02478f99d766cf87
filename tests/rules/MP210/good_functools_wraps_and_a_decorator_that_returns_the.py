import functools
import time
from multiprocessing import Pool

def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        start = time.perf_counter()
        result = fn(*args)
        print(fn.__name__, time.perf_counter() - start)
        return result
    return wrapper

REGISTRY = []

def register(fn):
    REGISTRY.append(fn)
    return fn

@register
@timed
def square(x):
    return x * x

if __name__ == "__main__":
    with Pool(4) as pool:
        print(pool.map(square, range(10)))
