import multiprocessing as mp

if __name__ == "__main__":
    def work(x):
        return x * 2

    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        print(pool.map(work, range(4)))
