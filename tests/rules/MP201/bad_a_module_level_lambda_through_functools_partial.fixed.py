from multiprocessing import Pool
from functools import partial

def square(x, lo, hi):
    return min(max(x * x, lo), hi)

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(partial(square, lo=0, hi=10), range(5)))  # error: MP201 8:24
