from concurrent.futures import ProcessPoolExecutor

def process_all(paths):
    def count_lines(path):
        with open(path) as fh:
            return sum(1 for _ in fh)

    with ProcessPoolExecutor() as ex:
        return list(ex.map(count_lines, paths))  # error: MP202 9:28
