import logging
from concurrent.futures import ProcessPoolExecutor

logger = logging.getLogger(__name__)

def convert(path):
    logger.debug("start %s", path)  # warning: MP603 7:5
    return path.upper()

def setup_logging():
    handler = logging.FileHandler("convert.log")
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.DEBUG)

def main():
    setup_logging()
    with ProcessPoolExecutor() as ex:
        list(ex.map(convert, ["a", "b"]))

if __name__ == "__main__":
    main()
