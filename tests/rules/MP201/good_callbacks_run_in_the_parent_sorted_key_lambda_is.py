from multiprocessing import Pool

def work(x):
    return x * 2

def main(xs):
    done = []
    with Pool(2) as pool:
        r = pool.map_async(work, sorted(xs, key=lambda v: -v), callback=lambda res: done.extend(res),
                           error_callback=lambda e: print("failed", e))
        r.wait()
    return sorted(done, key=lambda v: v)
