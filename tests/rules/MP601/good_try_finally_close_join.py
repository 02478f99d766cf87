from multiprocessing import Pool

def square(x):
    return x * x

def main():
    pool = Pool(4)
    try:
        return pool.map(square, range(10))
    finally:
        pool.close()
        pool.join()
