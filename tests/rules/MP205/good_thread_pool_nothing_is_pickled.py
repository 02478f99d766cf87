from multiprocessing.pool import ThreadPool
import threading

class Cache:
    def __init__(self):
        self.lock = threading.Lock()

    def get(self, k):
        return k

def main(keys):
    c = Cache()
    with ThreadPool() as tp:
        return tp.map(c.get, keys)
