"""Batch thumbnailer with a progress bar (tqdm.contrib.concurrent)."""
from pathlib import Path

from tqdm.contrib.concurrent import process_map, thread_map


def thumbnail(path, size=128):
    return str(path), size


def make_all(folder, size):
    paths = sorted(Path(folder).glob("*.jpg"))
    small = process_map(lambda p: thumbnail(p, size), paths, max_workers=4, chunksize=8)  # expect: MP201
    names = thread_map(lambda p: p.name, paths)  # threads: nothing is pickled
    return small, names


def make_all_right(folder):
    paths = sorted(Path(folder).glob("*.jpg"))
    return process_map(thumbnail, paths, max_workers=4, chunksize=8)


if __name__ == "__main__":
    print(make_all(".", 64), make_all_right("."))
