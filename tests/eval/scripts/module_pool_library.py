import multiprocessing

_POOL = multiprocessing.Pool(4)  # expect: MP101


def submit(fn, *args):
    return _POOL.apply_async(fn, args).get()
