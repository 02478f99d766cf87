import joblib
from math import factorial

small = joblib.Parallel(n_jobs=2)(joblib.delayed(factorial)(n) for n in range(20))  # loky: no guard needed
big = joblib.Parallel(n_jobs=2, backend="multiprocessing")(joblib.delayed(factorial)(n) for n in range(200))  # expect: MP101
print(small, big)
