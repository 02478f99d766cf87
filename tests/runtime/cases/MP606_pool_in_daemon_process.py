# proof: MP606
# fails-with: daemonic processes are not allowed to have children
# expect-output: child total: 30
# fix-args: --unsafe-fixes
"""A background daemon process that fans its work out to a pool."""
from multiprocessing import Pool, Process


def square(x):
    return x * x


def crunch():
    with Pool(2) as pool:
        print("child total:", sum(pool.map(square, range(5))), flush=True)


if __name__ == "__main__":
    worker = Process(target=crunch, daemon=True)
    worker.start()
    worker.join()
