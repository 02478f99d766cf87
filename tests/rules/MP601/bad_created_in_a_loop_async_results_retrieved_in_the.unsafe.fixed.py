import multiprocessing as mp

def score(x):
    return x * 2

if __name__ == "__main__":
    for chunk in [[1, 2], [3, 4]]:
        with mp.Pool(processes=2) as workers:  # warning: MP601 8:19
            pending = [workers.apply_async(score, (x,)) for x in chunk]
            print([p.get() for p in pending])
