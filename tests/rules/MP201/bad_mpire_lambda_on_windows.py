# mpire forks where it can; Windows has no fork, so the lambda is pickled there.
from mpire import WorkerPool


def main():
    with WorkerPool(n_jobs=4) as pool:
        return pool.map(lambda x: x * 2, range(100))  # error: MP201 7:25


if __name__ == "__main__":
    print(main())
