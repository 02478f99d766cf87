# proof: MP505
# fails-with: TypeError: 'NoneType' object is not subscriptable
# expect-output: scores: [2, 4, 6]
"""Load settings in main() into a module global and score items in a process pool."""
from multiprocessing import Pool

SETTINGS = None


def score(item):
    return item * SETTINGS["weight"]


def main():
    global SETTINGS
    SETTINGS = {"weight": 2}
    with Pool(2) as pool:
        print("scores:", pool.map(score, [1, 2, 3]))


if __name__ == "__main__":
    main()
