from multiprocessing import Pool

CACHE = None

def lookup(key):
    global CACHE
    if CACHE is None:
        CACHE = {"a": 1}
    return CACHE.get(key)

if __name__ == "__main__":
    results = None
    with Pool(2) as pool:
        results = pool.map(lookup, ["a", "b"])
    print(results)
