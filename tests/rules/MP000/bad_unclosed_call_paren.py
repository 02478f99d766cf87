from multiprocessing import Pool


def square(x):
    return x * x


if __name__ == "__main__":
    with Pool(4) as pool:
        print(pool.map(square, range(10))  # error: MP000 10:14
