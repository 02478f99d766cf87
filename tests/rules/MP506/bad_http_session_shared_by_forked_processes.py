import requests
from multiprocessing import Process, set_start_method

session = requests.Session()  # warning: MP506 4:11

def fetch(url):
    return session.get(url).status_code

def crawl(urls):
    procs = [Process(target=fetch, args=(u,)) for u in urls]
    for p in procs:
        p.start()
    for p in procs:
        p.join()

if __name__ == "__main__":
    set_start_method("fork")
    crawl(["https://example.com"])
