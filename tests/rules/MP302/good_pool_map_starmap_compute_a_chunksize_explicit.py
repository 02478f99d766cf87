from multiprocessing import Pool

def parse(line):
    return line

if __name__ == "__main__":
    with Pool(4) as pool:
        rows = pool.map(parse, open("data.csv"))
        pairs = pool.starmap(divmod, [(i, 3) for i in range(10000)])
        for r in pool.imap(parse, open("x.csv"), chunksize=256):
            print(r)
