from multiprocessing import Pool


class Filter:
    def __call__(self, x):
        return x > 10


def build(threshold):
    def filt(x):
        return x > threshold

    with Pool(2) as pool:
        a = pool.map(Filter(), range(20))  # error: MP202 12:22
        b = pool.map(Filter().__call__, range(20))  # error: MP202 13:22
        return a, b
