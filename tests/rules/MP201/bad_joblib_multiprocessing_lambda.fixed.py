from joblib import Parallel, delayed


def _square(v):
    return v * v


def main(values):
    return Parallel(n_jobs=2, backend="multiprocessing")(delayed(_square)(v) for v in values)  # error: MP201 6:66


if __name__ == "__main__":
    print(main(range(10)))
