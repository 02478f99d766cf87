from multiprocessing import Pool


def square(x):
    return x * x


def compute(xs):
    pool = Pool(4)
    result = pool.map(square, xs)
    pool.join()  # expect: MP604
    return result


if __name__ == "__main__":
    print(compute(range(10)))
