from multiprocessing.pool import ThreadPool
from concurrent.futures import ThreadPoolExecutor

def work(x):
    return x

if __name__ == "__main__":
    with ThreadPool(2) as tp:
        tp.apply_async(work, (1,))
    with ThreadPoolExecutor() as tex:
        tex.submit(work, 1)
