from multiprocessing import Pool
from multiprocessing.pool import ThreadPool


def inner(x):
    return x + 1


def outer(chunk):
    with Pool(2) as p:  # expect: MP606
        return p.map(inner, chunk)


def outer_ok(chunk):
    with ThreadPool(2) as tp:
        return tp.map(inner, chunk)


if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(outer, [[1], [2]]))
        print(pool.map(outer_ok, [[1], [2]]))
