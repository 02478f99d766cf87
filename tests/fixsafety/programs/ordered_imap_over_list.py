"""`imap` over a list of known size, results consumed in order."""
from multiprocessing import Pool


def cube(n):
    return n ** 3


if __name__ == "__main__":
    numbers = list(range(200))
    with Pool(2) as pool:
        cubes = list(pool.imap(cube, numbers))
    print(len(cubes), cubes[:3], cubes[-1])
