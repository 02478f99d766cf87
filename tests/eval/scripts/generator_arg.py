from concurrent.futures import ProcessPoolExecutor


def read_lines(path):
    with open(path) as fh:
        yield from fh


def count(lines):
    return sum(1 for _ in lines)


if __name__ == "__main__":
    with ProcessPoolExecutor() as ex:
        fut = ex.submit(count, read_lines("data.txt"))  # expect: MP203
        print(fut.result())
