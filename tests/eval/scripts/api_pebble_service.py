"""A crawler that bounds each page with a timeout (pebble)."""
from concurrent.futures import TimeoutError

from pebble import ProcessPool, concurrent


def fetch(url):
    return url.upper()


def crawl(urls):
    results = {}
    with ProcessPool(max_workers=4, max_tasks=10) as pool:
        futures = {url: pool.schedule(fetch, args=(url,), timeout=5) for url in urls}
        retry = pool.schedule(lambda: fetch(urls[0]), timeout=5)  # expect: MP201
        for url, future in futures.items():
            try:
                results[url] = future.result()
            except TimeoutError:
                results[url] = None
        results["retry"] = retry.result()
    return results


def crawl_mapped(urls):
    def normalise(url):
        return url.strip("/")

    with ProcessPool() as pool:
        return list(pool.map(normalise, urls, timeout=10).result())  # expect: MP202


@concurrent.process(timeout=30)
def render(page):
    return page * 2


if __name__ == "__main__":
    print(crawl(["a", "b"]), crawl_mapped(["c/"]), render("x").result())
