import pandas as pd
from multiprocessing import Pool

def stats(df, store_id):
    return df[df.store == store_id].sales.sum()

if __name__ == "__main__":
    sales = pd.read_parquet("sales.parquet")
    store_ids = sales.store.unique()
    with Pool(8) as pool:
        totals = pool.starmap(stats, [(sales, sid) for sid in store_ids])  # warning: MP301 11:40
