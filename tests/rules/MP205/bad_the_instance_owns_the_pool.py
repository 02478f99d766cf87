from multiprocessing import Pool

class Trainer:
    def __init__(self, n):
        self.n = n
        self.pool = Pool(n)

    def step(self, batch):
        return sum(batch) * self.n

    def run(self, batches):
        return self.pool.map(self.step, batches)  # warning: MP205 12:30
