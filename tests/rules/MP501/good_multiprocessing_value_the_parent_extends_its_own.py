import multiprocessing as mp

counter = mp.Value("i", 0)
totals = []

def work(x):
    with counter.get_lock():
        counter.value += 1
    return x

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        totals.extend(pool.map(work, range(5)))
    print(counter.value, totals)
