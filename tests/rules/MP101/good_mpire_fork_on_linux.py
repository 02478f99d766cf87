# mpguard-fixture: platforms=linux
from mpire import WorkerPool


def double(x):
    return x * 2


with WorkerPool(n_jobs=2) as pool:  # mpire forks on Linux: the module is not re-imported
    print(pool.map(double, range(10)))
