from multiprocessing import Pool

def build(threshold):
    class Filter:
        def __call__(self, x):
            return x > 10

    def filt(x):
        return x > threshold

    with Pool(2) as pool:
        a = pool.map(Filter(), range(20))  # error: MP202 12:22
        b = pool.map(Filter().__call__, range(20))  # error: MP202 13:22
        return a, b
