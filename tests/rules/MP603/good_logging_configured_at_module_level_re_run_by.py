import logging
import multiprocessing as mp

logging.basicConfig(level=logging.INFO)
log = logging.getLogger(__name__)

def work(x):
    log.info("processing %s", x)
    return x

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        pool.map(work, range(4))
