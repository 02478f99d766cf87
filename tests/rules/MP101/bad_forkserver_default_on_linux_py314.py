# mpguard-fixture: platforms=linux, target-version=py314
import multiprocessing as mp


def square(x):
    return x * x


with mp.Pool(2) as pool:  # error: MP101 9:6
    print(pool.map(square, range(10)))
