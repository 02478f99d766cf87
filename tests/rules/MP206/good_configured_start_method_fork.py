# mpguard-fixture: start-method=fork
from multiprocessing import Pool

if __name__ == "__main__":
    def work(x):
        return x * 2

    with Pool(2) as pool:
        print(pool.map(work, range(4)))
