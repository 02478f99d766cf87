# proof: MP101
# fails-with: bootstrapping phase|BrokenProcessPool|TIMEOUT
# expect-output: total 30
import concurrent.futures as cf


def double(x):
    return 2 * x


def main():
    with cf.ProcessPoolExecutor(max_workers=2) as ex:
        print("total", sum(ex.map(double, range(6))))


main()
