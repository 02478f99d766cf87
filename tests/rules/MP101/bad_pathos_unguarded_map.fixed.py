# dill ships the lambda, but spawned children still re-run this module.
from pathos.multiprocessing import ProcessingPool as Pool

pool = Pool(4)

if __name__ == "__main__":
    print(pool.map(lambda x: x ** 2, range(10)))  # error: MP101 5:7
