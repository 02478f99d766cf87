from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool
import threading

def main(urls):
    def fetch(u):
        return len(u)
    with ThreadPoolExecutor() as ex:
        list(ex.map(fetch, urls))
    with ThreadPool(2) as tp:
        tp.map(fetch, urls)
    t = threading.Thread(target=fetch, args=("x",))
    t.start()
