import concurrent.futures as cf
import threading

import requests

SESSION_LOCK = threading.Lock()


def fetch(url, lock):
    with lock:
        return requests.get(url).status_code


def scrape(urls):
    with cf.ProcessPoolExecutor(max_workers=8) as ex:
        futures = [ex.submit(fetch, u, SESSION_LOCK) for u in urls]  # expect: MP203
        for fut in cf.as_completed(futures):
            print(fut.result())


if __name__ == "__main__":
    scrape(["https://example.com"])
