"""Feature scoring with joblib: backends chosen by context managers, one pickles a nested function."""
from joblib import Parallel, delayed, parallel_backend, parallel_config


def score(row):
    return sum(row) / len(row)


def score_rows(rows, scale):
    def scaled(row):
        return score(row) * scale

    with parallel_backend("multiprocessing", n_jobs=4):
        plain = Parallel()(delayed(score)(r) for r in rows)
        weighted = Parallel()(delayed(scaled)(r) for r in rows)  # expect: MP202
    with parallel_config(backend="loky"):
        again = Parallel(n_jobs=2)(delayed(scaled)(r) for r in rows)
    with parallel_backend("threading"):
        cheap = Parallel(n_jobs=8)(delayed(lambda r: r[0])(r) for r in rows)
    return plain, weighted, again, cheap


with parallel_backend("multiprocessing"):
    WARMUP = Parallel(n_jobs=2)(delayed(score)(r) for r in [[1, 2]])  # expect: MP101

if __name__ == "__main__":
    print(score_rows([[1, 2], [3, 4]], 2.0), WARMUP)
