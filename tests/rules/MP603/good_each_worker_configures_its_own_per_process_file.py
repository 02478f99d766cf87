import logging
import os
import multiprocessing as mp

def work(x):
    logging.basicConfig(filename=f"worker-{os.getpid()}.log", level=logging.INFO)
    logging.info("processing %s", x)
    return x

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    log = logging.getLogger("main")
    with mp.Pool(2) as pool:
        pool.map(work, range(4))
    log.info("done")
