# %% [markdown]
# Parallel feature extraction, run cell by cell in the interactive window.

# %%
from multiprocessing import Pool

import statistics


def features(row):
    return statistics.mean(row), max(row)


# %%
rows = [[1, 2, 3], [4, 5, 6]]

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(features, rows))  # expect: MP204
