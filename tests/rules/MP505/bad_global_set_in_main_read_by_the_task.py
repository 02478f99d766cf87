import json
from multiprocessing import Pool

SETTINGS = None

def score(item):
    return item * SETTINGS["weight"]

def main():
    global SETTINGS
    SETTINGS = json.load(open("settings.json"))  # warning: MP505 11:5
    with Pool(4) as pool:
        print(pool.map(score, [1, 2, 3]))

if __name__ == "__main__":
    main()
