from multiprocessing import Pool
import signal


def _ignore():
    return signal.signal(signal.SIGINT, signal.SIG_IGN)


def run(items):
    with Pool(2, initializer=_ignore) as pool:  # error: MP201 6:30
        return pool.map(abs, items)
