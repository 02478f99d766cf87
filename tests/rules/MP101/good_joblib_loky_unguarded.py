# loky, joblib's default backend, does not re-run the main module in its workers.
from math import sqrt

from joblib import Parallel, delayed

roots = Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(10))
threads = Parallel(n_jobs=2, prefer="threads")(delayed(sqrt)(i ** 2) for i in range(10))
print(roots, threads)
