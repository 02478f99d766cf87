import threading
from multiprocessing import Pool


class Scaler:
    def __init__(self, factor):
        self.factor = factor
        self.lock = threading.Lock()

    def __getstate__(self):
        return {"factor": self.factor}

    def __setstate__(self, state):
        self.factor = state["factor"]
        self.lock = threading.Lock()

    def scale(self, x):
        return x * self.factor


class ReducedScaler(Scaler):
    def __reduce__(self):
        return (ReducedScaler, (self.factor,))


def run(xs):
    with Pool(2) as pool:
        return pool.map(Scaler(2).scale, xs), pool.map(ReducedScaler(3).scale, xs)
