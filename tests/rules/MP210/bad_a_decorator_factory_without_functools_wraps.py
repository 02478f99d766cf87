from concurrent.futures import ProcessPoolExecutor

def retry(times):
    def decorate(fn):
        def attempt(*args):
            for _ in range(times - 1):
                try:
                    return fn(*args)
                except OSError:
                    pass
            return fn(*args)
        return attempt
    return decorate

@retry(3)
def fetch(url):
    return len(url)

def crawl(urls):
    with ProcessPoolExecutor() as ex:
        return list(ex.map(fetch, urls))  # error: MP210 21:28
