"""Sends a lambda to a process pool: lambdas cannot be pickled (MP201)."""
from multiprocessing import Pool


def main():
    with Pool(2) as pool:
        print(pool.map(lambda x: x + 1, [1, 2, 3]))


if __name__ == "__main__":
    main()
