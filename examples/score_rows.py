"""Score rows with a weight captured in a lambda: fails to pickle under every start method."""
from concurrent.futures import ProcessPoolExecutor


def score(row, weight):
    return sum(row) * weight


def main():
    rows = [[1, 2], [3, 4], [5, 6]]
    weight = 0.5
    with ProcessPoolExecutor(max_workers=2) as ex:
        results = list(ex.map(lambda r: score(r, weight), rows))
    print(results)


if __name__ == "__main__":
    main()
