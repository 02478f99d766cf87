# mpguard-fixture: target-version=py314
from concurrent.futures import InterpreterPoolExecutor


def square(x):
    return x * x


if __name__ == "__main__":
    with InterpreterPoolExecutor() as pool:
        print(list(pool.map(square, range(10))))  # error: MP101 10:16
