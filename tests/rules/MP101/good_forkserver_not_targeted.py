# mpguard-fixture: platforms=linux, target-version=py313
import multiprocessing as mp


def square(x):
    return x * x


with mp.Pool(2) as pool:  # Linux before 3.14 forks: children do not re-import the module
    print(pool.map(square, range(10)))
