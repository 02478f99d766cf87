from multiprocessing import Pool

SETTINGS = None

def init(settings):
    global SETTINGS
    SETTINGS = settings

def score(item):
    return item * SETTINGS["weight"]

def main():
    settings = {"weight": 2}
    with Pool(4, initializer=init, initargs=(settings,)) as pool:
        print(pool.map(score, [1, 2, 3]))

if __name__ == "__main__":
    main()
