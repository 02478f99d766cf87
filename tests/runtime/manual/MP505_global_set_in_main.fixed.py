# Hand-written fix for MP505_global_set_in_main.py: an initializer sets the global in each child.
"""Load settings in main() and hand them to every pool worker through initializer/initargs."""
from multiprocessing import Pool

SETTINGS = None


def init_worker(settings):
    global SETTINGS
    SETTINGS = settings


def score(item):
    return item * SETTINGS["weight"]


def main():
    settings = {"weight": 2}
    with Pool(2, initializer=init_worker, initargs=(settings,)) as pool:
        print("scores:", pool.map(score, [1, 2, 3]))


if __name__ == "__main__":
    main()
