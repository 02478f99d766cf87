import joblib
from joblib import Parallel, delayed, parallel_backend


def squares(xs):
    def square(x):
        return x * x

    with parallel_backend("loky"):
        first = Parallel(n_jobs=2)(delayed(square)(x) for x in xs)
    with joblib.parallel_config(backend="threading"):
        second = Parallel(n_jobs=2)(delayed(square)(x) for x in xs)
    with parallel_backend("multiprocessing"):
        third = Parallel(n_jobs=2, backend="threading")(delayed(square)(x) for x in xs)
    runner = Parallel(n_jobs=2)
    with parallel_backend("multiprocessing"):
        fourth = runner(delayed(square)(x) for x in xs)  # made outside: loky
    return first, second, third, fourth


if __name__ == "__main__":
    print(squares([1, 2]))
