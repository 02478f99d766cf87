# proof: MP101
# fails-with: TIMEOUT|bootstrapping phase
# expect-output: squares: [0, 1, 4, 9, 16, 25]
"""Compute squares in a pool: the classic missing-guard script."""
from multiprocessing import Pool


def square(x):
    return x * x


with Pool(2) as pool:
    result = pool.map(square, range(6))
print("squares:", result)
