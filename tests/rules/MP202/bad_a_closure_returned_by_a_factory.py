from multiprocessing import Pool
from functools import partial

def make_scorer(weight):
    def score(x):
        return x * weight
    return score

def main(xs):
    with Pool() as pool:
        return pool.map(make_scorer(3), xs)  # error: MP202 11:25
