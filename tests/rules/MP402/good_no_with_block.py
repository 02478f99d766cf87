from multiprocessing import Pool

def square(x):
    return x * x

if __name__ == "__main__":
    pool = Pool(4)
    results = [pool.apply_async(square, (i,)) for i in range(10)]
    pool.close()
    pool.join()
    print([r.get() for r in results])
