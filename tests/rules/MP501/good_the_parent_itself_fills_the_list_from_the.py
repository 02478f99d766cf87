from multiprocessing import Pool

RESULTS = []

def work(x):
    return x * x

if __name__ == "__main__":
    with Pool(2) as pool:
        RESULTS.extend(pool.map(work, range(4)))
    print(RESULTS)
