from multiprocessing import Pool
import signal

def run(items):
    ignore = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)
    with Pool(2, initializer=ignore) as pool:  # error: MP201 6:30
        return pool.map(abs, items)
