import multiprocessing as mp

class FetchError(Exception):
    def __init__(self, url, status):
        self.url = url
        self.status = status

    def __str__(self):
        return f"{self.url}: HTTP {self.status}"

class Timeout(Exception):
    def __init__(self, url, *, seconds):
        super().__init__(url)
        self.seconds = seconds

def fetch(url):
    if url.endswith(".bad"):
        raise FetchError(url, status=404)  # warning: MP404 18:9
    if url.endswith(".slow"):
        raise Timeout(url, seconds=30)  # warning: MP404 20:9
    return url

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        pages = pool.map_async(fetch, ["a", "b.bad"]).get()
