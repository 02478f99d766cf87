"""Resize images in a process pool; every task is timed and cached by small decorators."""
import functools
import logging
import time
from multiprocessing import Pool

log = logging.getLogger(__name__)


def timed(fn):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        log.debug("%s took %.3fs", fn.__name__, time.perf_counter() - start)
        return result
    return wrapper


def logged(fn):
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        log.info("calling %s", fn.__name__)
        return fn(*args, **kwargs)
    return inner


class Memoize:
    def __init__(self, fn):
        self.fn = fn
        self.cache = {}

    def __call__(self, key):
        if key not in self.cache:
            self.cache[key] = self.fn(key)
        return self.cache[key]


@timed
def resize(path):
    return path.upper()


@logged
def thumbnail(path):
    return path.lower()


@Memoize
def checksum(path):
    return sum(map(ord, path))


def run(paths):
    with Pool(4) as pool:
        big = pool.map(resize, paths)  # expect: MP210
        small = pool.map(thumbnail, paths)
        sums = pool.map(checksum, paths)  # expect: MP210
    return big, small, sums


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(run(["a.png", "b.png"]))
