from multiprocessing import Pool

def parse(line):
    return line.split(",")

def main(path):
    with open(path) as fh, Pool(8) as pool:
        for row in pool.imap_unordered(parse, fh):  # hint: MP302 8:20
            print(row)

if __name__ == "__main__":
    main("data.csv")
