import logging
from concurrent.futures import ProcessPoolExecutor

logger = logging.getLogger(__name__)


def process(item):
    logger.info("processing %s", item)  # expect: MP603
    return item * 2


def main():
    logging.basicConfig(level=logging.INFO, format="%(processName)s %(message)s")
    with ProcessPoolExecutor(2) as ex:
        print(list(ex.map(process, range(4), chunksize=2)))


if __name__ == "__main__":
    main()
