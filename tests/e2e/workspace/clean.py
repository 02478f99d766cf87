"""A correct script: guarded start, module-level worker. No mpguard diagnostics."""
from multiprocessing import Pool


def cube(x):
    return x ** 3


def main():
    with Pool(2) as pool:
        print(pool.map(cube, [1, 2, 3]))


if __name__ == "__main__":
    main()
