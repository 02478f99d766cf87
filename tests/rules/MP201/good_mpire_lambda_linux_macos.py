# mpguard-fixture: platforms=linux+macos
from mpire import WorkerPool


def main():
    with WorkerPool(n_jobs=4) as pool:  # fork on Linux and macOS: nothing is pickled
        return pool.map(lambda x: x * 2, range(100))


if __name__ == "__main__":
    print(main())
