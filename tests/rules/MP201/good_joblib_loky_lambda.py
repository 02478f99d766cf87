# joblib's default backend (loky) pickles with cloudpickle; threading pickles nothing.
from joblib import Parallel, delayed


def main(values):
    square = lambda v: v * v
    a = Parallel(n_jobs=2)(delayed(square)(v) for v in values)
    b = Parallel(n_jobs=2, backend="loky")(delayed(square)(v) for v in values)
    c = Parallel(n_jobs=2, backend="threading")(delayed(square)(v) for v in values)
    return a, b, c


if __name__ == "__main__":
    print(main(range(10)))
