from concurrent.futures import ProcessPoolExecutor, wait


def convert(path):
    if not path.endswith(".txt"):
        raise ValueError(path)
    return path.upper()


def main(paths):
    with ProcessPoolExecutor() as ex:
        for p in paths:
            ex.submit(convert, p)  # expect: MP401
        futs = [ex.submit(convert, p) for p in paths]  # expect: MP401
        wait(futs)


if __name__ == "__main__":
    main(["a.txt", "b.csv"])
