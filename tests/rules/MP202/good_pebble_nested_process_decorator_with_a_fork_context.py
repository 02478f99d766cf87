import multiprocessing

from pebble import concurrent

FORK = multiprocessing.get_context("fork")


def resize_all(paths, context):
    @concurrent.process(context=FORK)
    def resize(path):
        return path.upper()

    @concurrent.process(context=context)
    def shrink(path):
        return path.lower()

    return [resize(p).result() for p in paths] + [shrink(p).result() for p in paths]


if __name__ == "__main__":
    print(resize_all(["a.png"], multiprocessing.get_context("fork")))
