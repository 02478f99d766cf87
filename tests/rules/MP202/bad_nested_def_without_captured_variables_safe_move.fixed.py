from concurrent.futures import ProcessPoolExecutor


def count_lines(path):
    with open(path) as fh:
        return sum(1 for _ in fh)


def process_all(paths):
    with ProcessPoolExecutor() as ex:
        return list(ex.map(count_lines, paths))  # error: MP202 9:28
