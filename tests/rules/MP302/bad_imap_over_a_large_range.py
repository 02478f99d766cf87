import multiprocessing as mp

def score(i):
    return i * i

if __name__ == "__main__":
    with mp.Pool() as pool:
        total = sum(pool.imap(score, range(10**6)))  # hint: MP302 8:21
