# use_dill=True pickles with dill; an explicit fork start method inherits the lambda.
from mpire import WorkerPool


def main():
    with WorkerPool(n_jobs=4, use_dill=True) as pool:
        doubled = pool.map(lambda x: x * 2, range(100))
    with WorkerPool(n_jobs=4, start_method="fork") as pool:
        return doubled + pool.map(lambda x: x + 1, range(100))


if __name__ == "__main__":
    print(main())
