from multiprocessing import Pool

def work(x):
    return x * 2

def run(pool, items):
    return pool.map(work, items)

if __name__ == "__main__":
    with Pool(2) as pool:
        print(run(pool, [1, 2, 3]))
