import logging
from multiprocessing import Pool

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("worker")


def process(item):
    log.info("processing %s", item)
    print("done", item)
    return item


if __name__ == "__main__":
    with Pool(2) as pool:
        pool.map(process, range(4))
