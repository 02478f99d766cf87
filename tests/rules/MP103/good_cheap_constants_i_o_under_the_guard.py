import logging, re
from pathlib import Path
from multiprocessing import Pool

log = logging.getLogger(__name__)
PATTERN = re.compile(r"\d+")
HERE = Path(__file__).parent

def work(x):
    return x

if __name__ == "__main__":
    data = open("input.txt").read()
    with Pool() as p:
        p.map(work, data.split())
