import multiprocessing as mp


def job(n):
    return n


mp.set_start_method("spawn")  # expect: MP102

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print(pool.map(job, range(3)))
