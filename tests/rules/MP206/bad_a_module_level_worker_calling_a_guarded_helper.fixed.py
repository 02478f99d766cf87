import multiprocessing as mp

def work(x):
    return normalize(x) * 2  # error: MP206 4:12


def normalize(x):
    return x / 10


if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print(pool.map(work, [1, 2, 3]))
