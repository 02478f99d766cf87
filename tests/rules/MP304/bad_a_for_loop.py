import multiprocessing as mp

def checksum(path):
    return len(path)

def scan(paths):
    sums = {}
    with mp.Pool() as workers:
        for path in paths:
            sums[path] = workers.apply(checksum, args=(path,))  # info: MP304 10:26
    return sums
