from multiprocessing import Pool

class Job:
    def run(self, x):
        return x + 1

def main(xs):
    job = Job()
    with Pool() as pool:
        return pool.map(job.run, xs)
