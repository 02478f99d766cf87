import multiprocessing


def work(x):
    return x


def rebind(items):
    pool = multiprocessing.Pool(2)  # warning: MP601 9:12
    print(pool.map(work, items))
    pool = multiprocessing.Pool(3)
    try:
        return pool.map(work, items)
    finally:
        pool.close()
