from concurrent.futures import ProcessPoolExecutor

cache = {}

def record(key, value):
    cache[key] = value  # warning: MP501 6:5

def handle(item):
    record(item, len(item))
    return item

def run(items):
    with ProcessPoolExecutor() as ex:
        list(ex.map(handle, items))
    return summarize()

def summarize():
    return sorted(cache.items())
