import time
import pandas as pd
from multiprocessing import Pool

FRAME = pd.read_parquet("big.parquet")  # warning: MP103 5:9
time.sleep(2)  # warning: MP103 6:1

def work(i):
    return FRAME.iloc[i].sum()

if __name__ == "__main__":
    with Pool() as p:
        p.map(work, range(100))
