from multiprocessing import Pool

def work(x):
    return x

class Service:
    def __init__(self):
        self.pool = Pool(2)

    def stop(self):
        self.pool.close()

    def wait(self):
        self.pool.join()
