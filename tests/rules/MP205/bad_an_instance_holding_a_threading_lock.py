import threading
from concurrent.futures import ProcessPoolExecutor

class Fetcher:
    def __init__(self):
        self._lock = threading.Lock()

    def fetch(self, url):
        return url

def main(urls):
    f = Fetcher()
    with ProcessPoolExecutor() as ex:
        return list(ex.map(f.fetch, urls))  # warning: MP205 14:28
