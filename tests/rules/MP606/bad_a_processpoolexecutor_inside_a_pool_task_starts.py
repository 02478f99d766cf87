from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

def inner_job(x):
    return x + 1

def outer_job(xs):
    with ProcessPoolExecutor(max_workers=2) as ex:
        return list(ex.map(inner_job, xs))  # error: MP606 9:21

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(outer_job, [[1, 2], [3]]))
