from multiprocessing import Pool

def parse(line):
    return line.strip()

def main(lines):
    with Pool(4) as pool:
        it = pool.imap_unordered(parse, lines, chunksize=64)  # warning: MP402 8:14
    for row in it:
        print(row)

if __name__ == "__main__":
    main(["a", "b"])
