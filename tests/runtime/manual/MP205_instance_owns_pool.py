# proof: MP205
# fails-with: pool objects cannot be passed between processes or pickled
# expect-output: scaled: [3, 6, 9]
"""A class that owns its pool and maps its own bound method: the instance (pool included) is
pickled with every task."""
from multiprocessing import Pool


class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.pool = Pool(2)

    def scale(self, x):
        return x * self.factor

    def run(self, xs):
        try:
            return self.pool.map(self.scale, xs)
        finally:
            self.pool.close()
            self.pool.join()


if __name__ == "__main__":
    print("scaled:", Scaler(3).run([1, 2, 3]))
