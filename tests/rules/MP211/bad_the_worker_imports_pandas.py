# mpguard-fixture: target-version=py314
import concurrent.futures as cf

def load(path):
    import pandas as pd
    return len(pd.read_csv(path))

def count_rows(paths):
    pool = cf.InterpreterPoolExecutor(4)
    futures = [pool.submit(load, p) for p in paths]  # warning: MP211 10:28
    return sum(f.result() for f in futures)
