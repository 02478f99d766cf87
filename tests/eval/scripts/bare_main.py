import argparse
from multiprocessing import Pool


def work(x):
    return x + 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=4)
    args = parser.parse_args()
    with Pool(args.n) as pool:
        print(pool.map(work, range(10)))


main()  # expect: MP101
