from concurrent.futures import ProcessPoolExecutor
from multiprocessing.dummy import Pool as ThreadPool

EXECUTOR = ProcessPoolExecutor(max_workers=4)  # constructed, not used at import: no process yet

def main():
    pass

with ThreadPool(4) as tp:
    tp.map(print, range(3))
