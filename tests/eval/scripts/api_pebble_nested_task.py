"""A pebble helper that runs a conversion with a timeout: the task is defined where it is used."""
from pebble import concurrent


@concurrent.process(timeout=30)
def convert(path):
    return path.replace(".doc", ".pdf")


def convert_all(paths, suffix):
    @concurrent.process(timeout=30)  # expect: MP202
    def stamp(path):
        return path + suffix

    @concurrent.thread
    def log(path):
        print("converted", path)

    out = []
    for p in paths:
        done = convert(p).result()
        log(done)
        out.append(stamp(done).result())
    return out


if __name__ == "__main__":
    print(convert_all(["a.doc"], "-v1"))
