# proof: MP210
# fails-with: Can't pickle local object 'timed.<locals>.wrapper'
# expect-output: squares: [0, 1, 4, 9]
"""Time every task of a process pool with a small decorator."""
import time
from multiprocessing import Pool


def timed(fn):
    def wrapper(*args):
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            elapsed = time.perf_counter() - start
            assert elapsed >= 0

    return wrapper


@timed
def square(x):
    return x * x


if __name__ == "__main__":
    with Pool(2) as pool:
        print("squares:", pool.map(square, range(4)))
