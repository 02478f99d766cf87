import logging
import multiprocessing as mp

log = logging.getLogger("etl")

def work(x):
    log.info("processing %s", x)  # warning: MP603 7:5
    return x * 2

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(processName)s %(message)s")
    with mp.Pool(4) as pool:
        pool.map(work, range(10))
