import csv
from multiprocessing import Pool

def geocode(row):
    return row["address"].upper()

def main(path):
    with open(path, newline="") as fh, Pool(8) as pool:
        reader = csv.DictReader(fh)
        for result in pool.imap(geocode, reader, chunksize=32):  # info: MP303 10:23
            print(result)

if __name__ == "__main__":
    main("addresses.csv")
