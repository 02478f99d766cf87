from multiprocessing import Pool
from functools import partial
import operator

def shift(x, by):
    return x + by

class Tools:
    @staticmethod
    def double(x):
        return 2 * x

def main(xs):
    def local_helper(x):
        return x
    with Pool() as pool:
        a = pool.map(partial(shift, by=1), xs)
        b = pool.map(Tools.double, xs)
        c = pool.map(operator.itemgetter(0), [(1, 2)])
        d = sorted(xs, key=local_helper)
        return a, b, c, d
