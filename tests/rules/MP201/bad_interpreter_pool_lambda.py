# mpguard-fixture: target-version=py314
from concurrent.futures import InterpreterPoolExecutor


def main():
    with InterpreterPoolExecutor(max_workers=2) as pool:
        return pool.submit(lambda: sum(range(10))).result()  # error: MP201 7:28


if __name__ == "__main__":
    print(main())
