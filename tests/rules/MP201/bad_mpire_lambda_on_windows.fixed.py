# mpire forks where it can; Windows has no fork, so the lambda is pickled there.
from mpire import WorkerPool


def _main_task(x):
    return x * 2


def main():
    with WorkerPool(n_jobs=4) as pool:
        return pool.map(_main_task, range(100))  # error: MP201 7:25


if __name__ == "__main__":
    print(main())
