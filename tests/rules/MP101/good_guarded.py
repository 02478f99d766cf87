from multiprocessing import Pool

def work(x):
    return x * 2

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(work, range(4)))
