from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

def run(items, jobs):
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(work, items))
