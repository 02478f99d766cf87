from multiprocessing import Pool
from functools import partial


def shift(x, by):
    return x + by


def main(xs, offset):
    with Pool() as pool:
        return pool.map(partial(shift, by=offset), xs)  # error: MP202 8:25
