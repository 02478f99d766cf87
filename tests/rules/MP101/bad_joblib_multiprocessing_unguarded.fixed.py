from math import sqrt

from joblib import Parallel, delayed

if __name__ == "__main__":
    roots = Parallel(n_jobs=2, backend="multiprocessing")(delayed(sqrt)(i ** 2) for i in range(10))  # error: MP101 5:9
    print(roots)
