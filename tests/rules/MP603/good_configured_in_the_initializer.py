import logging
import multiprocessing as mp

log = logging.getLogger(__name__)

def init_worker(level):
    logging.basicConfig(level=level)

def work(x):
    log.info("processing %s", x)
    return x

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    with mp.Pool(2, initializer=init_worker, initargs=(logging.INFO,)) as pool:
        pool.map(work, range(4))
