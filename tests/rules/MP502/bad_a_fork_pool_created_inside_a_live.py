import multiprocessing
from concurrent.futures import ThreadPoolExecutor

def download(url):
    return url

def parse(page):
    return len(page)

if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    with ThreadPoolExecutor(8) as tp:
        pages = list(tp.map(download, ["a", "b"]))
        with multiprocessing.Pool(4) as pool:  # warning: MP502 14:14
            print(pool.map(parse, pages))
