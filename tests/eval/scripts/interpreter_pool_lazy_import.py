# mpguard-eval: target-version=py314
"""Load CSV shards in subinterpreters (the worker imports pandas itself)."""
import concurrent.futures as cf
import sys


def rows(path):
    import pandas as pd

    return len(pd.read_csv(path))


def count(paths):
    pool = cf.InterpreterPoolExecutor(4)
    try:
        futures = [pool.submit(rows, p) for p in paths]  # expect: MP211
        return sum(f.result() for f in futures)
    finally:
        pool.shutdown()


if __name__ == "__main__":
    print(count(sys.argv[1:]))
