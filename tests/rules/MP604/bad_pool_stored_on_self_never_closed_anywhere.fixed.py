from multiprocessing import Pool

def work(x):
    return x + 1

class Runner:
    def __init__(self):
        self.pool = Pool(2)

    def run(self, items):
        out = self.pool.map(work, items)
        self.pool.close()
        self.pool.join()  # error: MP604 12:9
        return out
