import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool

def work(lock, fh):
    with lock:
        return fh.readline()

def main():
    lock = threading.Lock()
    with open("x") as fh, ThreadPoolExecutor() as ex, ThreadPool() as tp:
        ex.submit(work, lock, fh).result()
        tp.apply_async(work, (lock, fh)).get()
