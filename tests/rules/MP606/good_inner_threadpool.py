from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

def fetch(url):
    return len(url)

def crawl(site):
    with ThreadPool(8) as tp:
        return tp.map(fetch, [site + "/a", site + "/b"])

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(crawl, ["x", "y"]))
