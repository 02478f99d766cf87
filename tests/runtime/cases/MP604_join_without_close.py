# proof: MP604
# fails-with: Pool is still running
# expect-output: squares: [0, 1, 4, 9, 16, 25]
"""Square numbers in a pool, then wait for the workers before printing."""
from multiprocessing import Pool


def square(x):
    return x * x


def main():
    pool = Pool(2)
    result = pool.map(square, range(6))
    pool.join()
    print("squares:", result)


if __name__ == "__main__":
    main()
