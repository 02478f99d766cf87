# mpguard-fixture: target-version=py314
from concurrent.futures import InterpreterPoolExecutor


def parse(line):
    return line.split(",")


def parse_all(lines):
    rows = []
    with InterpreterPoolExecutor(4) as pool:
        for line in lines:
            rows.append(pool.submit(parse, line).result())  # info: MP304 13:25
    return rows


if __name__ == "__main__":
    print(parse_all(["a,b", "c,d"]))
