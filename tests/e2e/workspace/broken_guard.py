"""Starts a process pool at import time: under spawn every child re-imports this module (MP101)."""
from multiprocessing import Pool


def square(x):
    return x * x


with Pool(2) as pool:
    print(pool.map(square, [1, 2, 3]))
