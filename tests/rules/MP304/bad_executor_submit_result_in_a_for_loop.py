import concurrent.futures as cf


def checksum(path):
    return len(path)


def scan(paths):
    sums = {}
    with cf.ProcessPoolExecutor() as executor:
        for path in paths:
            sums[path] = executor.submit(checksum, path).result()  # info: MP304 12:26
    return sums
