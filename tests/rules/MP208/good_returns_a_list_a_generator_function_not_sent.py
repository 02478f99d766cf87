import multiprocessing as mp

def parse(path):
    with open(path) as fh:
        return [line.split(",") for line in fh]

def stream(q):
    for i in range(3):
        yield i

def main(paths):
    with mp.Pool() as pool:
        rows = pool.map(parse, paths)
    p = mp.Process(target=print, args=(1,))
    return rows
