# %%
from multiprocessing import Pool

from workers import square

# %%
with Pool() as pool:
    print(pool.map(square, range(10)))
