from multiprocessing import Pool


def slow(x):
    return x


def run(xs):
    with Pool(2) as pool:
        pending = pool.map_async(slow, xs)  # expect: MP402
    return pending.get()


if __name__ == "__main__":
    print(run(range(4)))
