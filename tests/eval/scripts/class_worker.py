from multiprocessing import Pool


class Trainer:
    def __init__(self, n):
        self.n = n
        self.pool = Pool(n)

    def step(self, batch):
        return sum(batch) * self.n

    def run(self, batches):
        return self.pool.map(self.step, batches)  # expect: MP205

    def close(self):
        self.pool.close()
        self.pool.join()


if __name__ == "__main__":
    t = Trainer(2)
    print(t.run([[1, 2], [3]]))
    t.close()
