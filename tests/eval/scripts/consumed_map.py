from concurrent.futures import ProcessPoolExecutor


def parse(line):
    return line.split(",")


if __name__ == "__main__":
    rows = ["a,b", "c,d"]
    with ProcessPoolExecutor(2) as ex:
        for fields in ex.map(parse, rows):
            print(fields)
        total = sum(len(r) for r in ex.map(parse, rows))
        print(total)
