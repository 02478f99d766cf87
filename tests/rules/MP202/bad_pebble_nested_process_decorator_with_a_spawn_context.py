import multiprocessing

from pebble import concurrent


def resize_all(paths):
    @concurrent.process(context=multiprocessing.get_context("spawn"))  # error: MP202 7:5
    def resize(path):
        return path.upper()

    return [resize(p).result() for p in paths]


if __name__ == "__main__":
    print(resize_all(["a.png"]))
