"""A correct script: mpguard reports nothing here."""
from concurrent.futures import ProcessPoolExecutor


def square(x: int) -> int:
    return x * x


def main() -> None:
    with ProcessPoolExecutor(max_workers=2) as ex:
        print(sum(ex.map(square, range(100), chunksize=25)))


if __name__ == "__main__":
    main()
