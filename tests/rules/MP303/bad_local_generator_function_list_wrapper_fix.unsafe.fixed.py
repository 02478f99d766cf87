from multiprocessing import Pool

def read_records(path):
    with open(path) as fh:
        for line in fh:
            yield line.rstrip("\n").split("\t")

def enrich(record):
    return record + ["ok"]

if __name__ == "__main__":
    with Pool() as pool:
        enriched = list(pool.imap(enrich, read_records("huge.tsv"), chunksize=32))  # info: MP303 13:25
        sizes = pool.starmap(divmod, ((len(r), 3) for r in enriched))  # info: MP303 14:17
