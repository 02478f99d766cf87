from multiprocessing import Pool

def fetch(u):
    return u

def main(urls):
    pool = Pool(4)  # warning: MP601 7:12
    result = pool.map_async(fetch, urls)
    return result
