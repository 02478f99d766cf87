from multiprocessing import Pool

class Scaler:
    def __init__(self, factor):
        self.factor = factor

    def apply(self, x):
        return x * self.factor

    @staticmethod
    def double(x):
        return 2 * x

def main(xs):
    s = Scaler(3)
    with Pool() as pool:
        return pool.map(s.apply, xs), pool.map(Scaler.double, xs)
