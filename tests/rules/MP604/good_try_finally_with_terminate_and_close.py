from multiprocessing import Pool

def square(x):
    return x * x

def main():
    pool = Pool(4)
    try:
        return pool.map(square, range(10))
    except KeyboardInterrupt:
        pool.terminate()
        raise
    finally:
        pool.close()
        pool.join()
