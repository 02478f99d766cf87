from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool

def fetch(url):
    return url

def main(urls):
    with ThreadPoolExecutor() as ex:
        pages = list(ex.map(fetch, urls))
    with ThreadPool(8) as tp:
        for page in tp.imap(fetch, urls):
            print(page)
