from multiprocessing import Pool

if __name__ == "__main__":
    scale = 3

    def work(x):
        return x * scale

    with Pool() as pool:
        print(pool.map(work, range(4)))  # error: MP206 10:24
