from multiprocessing import Pool

def parse(path):
    with open(path) as fh:
        for line in fh:
            yield line.split(",")

def main(paths):
    with Pool() as pool:
        return pool.map(parse, paths)  # error: MP208 10:25
