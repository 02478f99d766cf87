"""Fetch pages with a nested worker and fire-and-forget tasks."""
import multiprocessing as mp
import threading

LOCK = threading.Lock()


def crawl(urls):
    def fetch(url):
        return url.upper()

    with mp.Pool(4) as pool:
        for url in urls:
            pool.apply_async(fetch, (url,))
        pool.map(print, urls)


if __name__ == "__main__":
    mp.set_start_method("spawn")
    crawl(["a", "b"])
