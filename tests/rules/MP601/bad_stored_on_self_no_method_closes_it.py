from multiprocessing import Pool

def work(x):
    return x + 1

class Crawler:
    def __init__(self):
        self.pool = Pool(4)  # warning: MP601 8:21

    def crawl(self, urls):
        return self.pool.map(work, urls)
