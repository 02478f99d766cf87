from multiprocessing import Pool

def work(x):
    return x

def drive(pool, items):
    out = pool.map(work, items)
    pool.close()
    pool.join()
    return out

if __name__ == "__main__":
    pool = Pool(2)
    print(drive(pool, [1, 2, 3]))
