from multiprocessing import Pool


def fetch(url):
    return len(url)


def fetch_with_retries(pool, url, attempts=3):
    for attempt in range(attempts):
        try:
            return pool.apply(fetch, (url,))
        except OSError:
            if attempt == attempts - 1:
                raise
    return None


if __name__ == "__main__":
    with Pool(2) as pool:
        print(fetch_with_retries(pool, "https://example.org"))
