from multiprocessing import Pool
from concurrent.futures import ThreadPoolExecutor

if __name__ == "__main__":
    def work(x):
        return x * 2

    with ThreadPoolExecutor() as ex:
        print(list(ex.map(work, range(4))))
