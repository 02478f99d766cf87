from concurrent.futures import ProcessPoolExecutor

def count_words(line):
    return len(line.split())

def main(path):
    with open(path) as fh:
        with ProcessPoolExecutor() as ex:
            total = sum(ex.map(count_words, fh, chunksize=256))  # info: MP303 9:25
    return total

if __name__ == "__main__":
    print(main("corpus.txt"))
