from joblib import Parallel, delayed, parallel_backend, parallel_config


def square(x):
    return x * x


def squares(xs):
    with parallel_backend("multiprocessing", n_jobs=2):
        return Parallel()(delayed(square)(x) for x in xs)  # error: MP202 9:35


def cube(x):
    return x ** 3


def cubes(xs):
    with parallel_config(backend="multiprocessing"):
        runner = Parallel(n_jobs=2)
    return runner(delayed(cube)(x) for x in xs)  # error: MP202 18:27


if __name__ == "__main__":
    print(squares([1, 2]), cubes([3]))
