import multiprocessing as mp

def fetch(url):
    return len(url)

def crawl(urls):
    workers = mp.Pool(processes=8)
    pending = [workers.apply_async(fetch, (u,)) for u in urls]
    # wait for everything
    workers.join()  # error: MP604 10:5
    return [p.get() for p in pending]
