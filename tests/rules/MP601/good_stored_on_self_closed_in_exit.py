from multiprocessing import Pool

def work(x):
    return x

class Service:
    def __init__(self, n):
        self._pool = Pool(n)

    def submit(self, items):
        return self._pool.map(work, items)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._pool.close()
        self._pool.join()
