import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x + 1

def main():
    with ProcessPoolExecutor(max_workers=2) as ex:
        print(list(ex.map(work, range(3))))

main()  # error: MP101 11:1
