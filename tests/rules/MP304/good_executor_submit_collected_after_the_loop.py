from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed


def render(page):
    return page * 2


def fetch_with_retries(executor, page, attempts=3):
    for attempt in range(attempts):
        try:
            return executor.submit(render, page).result(timeout=5)
        except TimeoutError:
            if attempt == attempts - 1:
                raise
    return None


if __name__ == "__main__":
    with ProcessPoolExecutor(4) as pool:
        futures = [pool.submit(render, p) for p in range(100)]
        pages = [f.result() for f in futures]
        done = [f.result() for f in as_completed(pool.submit(render, p) for p in range(5))]
        first = pool.submit(render, 0).result()
        print(fetch_with_retries(pool, 7))
    with ThreadPoolExecutor(4) as threads:
        echoed = [threads.submit(render, p).result() for p in range(10)]
    print(len(pages), len(done), first, echoed)
