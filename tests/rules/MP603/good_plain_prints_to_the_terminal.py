from multiprocessing import Pool

def work(x):
    print("working on", x)
    return x * x

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(work, range(4)))
