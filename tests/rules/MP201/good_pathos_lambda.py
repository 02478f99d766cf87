# pathos pickles with dill: lambdas and closures reach the workers.
from pathos.multiprocessing import ProcessPool


def main():
    pool = ProcessPool(nodes=4)
    print(pool.map(lambda x: x * x, range(10)))
    pool.close()
    pool.join()


if __name__ == "__main__":
    main()
