from concurrent.futures import ThreadPoolExecutor
from multiprocessing.dummy import Pool as ThreadPool
from multiprocessing.pool import ThreadPool as TP

def main(urls):
    with ThreadPoolExecutor(8) as ex:
        list(ex.map(lambda u: u.upper(), urls))
    with ThreadPool(4) as tp:
        tp.map(lambda u: u.lower(), urls)
    with TP(2) as tp2:
        tp2.apply_async(lambda: 1).get()
