# proof: MP205
# fails-with: pool objects cannot be passed between processes or pickled
# expect-output: scaled: [3, 6, 9]
"""Fixed: the worker is a module-level function that receives the plain data it needs."""
from functools import partial
from multiprocessing import Pool


def scale(factor, x):
    return x * factor


class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.pool = Pool(2)

    def run(self, xs):
        try:
            return self.pool.map(partial(scale, self.factor), xs)
        finally:
            self.pool.close()
            self.pool.join()


if __name__ == "__main__":
    print("scaled:", Scaler(3).run([1, 2, 3]))
