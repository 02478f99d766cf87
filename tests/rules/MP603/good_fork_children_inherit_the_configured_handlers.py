import logging
import multiprocessing as mp

log = logging.getLogger(__name__)

def work(x):
    log.info("processing %s", x)
    return x

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(work, range(4))
