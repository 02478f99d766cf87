from tqdm.contrib.concurrent import process_map
import functools


def resize(path, *, width):
    return path, width


def resize_all(paths, width):
    return process_map(functools.partial(resize, width=width), paths, chunksize=16)  # error: MP202 8:24


if __name__ == "__main__":
    print(resize_all(["a.png"], 64))
