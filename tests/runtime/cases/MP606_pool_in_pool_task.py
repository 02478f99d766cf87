# proof: MP606
# fails-with: daemonic processes are not allowed to have children
# expect-output: totals: [5, 14, 30]
# fix-args: --unsafe-fixes
"""Sum squares per batch; each batch fans out to its own inner pool."""
from multiprocessing import Pool


def square(x):
    return x * x


def batch_total(n):
    with Pool(2) as inner:
        return sum(inner.map(square, range(n + 1)))


def main():
    with Pool(2) as outer:
        print("totals:", outer.map(batch_total, [2, 3, 4]))


if __name__ == "__main__":
    main()
