# proof: MP201
# fails-with: Can't pickle|PicklingError
# expect-output: scores: [2, 4, 6, 8]
"""Score rows in a process pool; the task function is a lambda."""
from multiprocessing import Pool


def score(row, weight):
    return row * weight


def main(rows):
    with Pool(2) as pool:
        return pool.map(lambda r: score(r, 2), rows)


if __name__ == "__main__":
    print("scores:", main([1, 2, 3, 4]))
