from joblib import Parallel, delayed


def main(values):
    square = lambda v: v * v
    return Parallel(n_jobs=2, backend="multiprocessing")(delayed(square)(v) for v in values)  # error: MP201 6:66


if __name__ == "__main__":
    print(main(range(10)))
