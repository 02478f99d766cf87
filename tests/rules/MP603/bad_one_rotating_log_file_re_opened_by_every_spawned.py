import logging
from logging.handlers import RotatingFileHandler
from multiprocessing import Pool

handler = RotatingFileHandler("app.log", maxBytes=1_000_000, backupCount=3)  # warning: MP603 5:11
logging.getLogger().addHandler(handler)
log = logging.getLogger("app")

def task(n):
    log.warning("task %d", n)
    return n

if __name__ == "__main__":
    with Pool(4) as pool:
        pool.map(task, range(100))
