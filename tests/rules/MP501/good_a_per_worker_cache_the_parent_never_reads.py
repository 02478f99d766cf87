from multiprocessing import Pool

_cache = {}

def expensive(key):
    if key not in _cache:
        _cache[key] = key * 1000
    return _cache[key]

def work(key):
    return expensive(key) + 1

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(work, [1, 2, 1]))
