import numpy as np
import pandas as pd
from concurrent.futures import ProcessPoolExecutor

def summarize(path):
    return pd.read_csv(path).describe()

def part_sum(chunk):
    return chunk.sum()

if __name__ == "__main__":
    paths = ["a.csv", "b.csv"]
    data = np.arange(1000)
    with ProcessPoolExecutor() as ex:
        reports = list(ex.map(summarize, paths))
        parts = list(ex.map(part_sum, np.array_split(data, 4)))
        total = ex.submit(part_sum, data).result()
        for p in paths:
            df = pd.read_csv(p)
            ex.submit(summarize, p)
