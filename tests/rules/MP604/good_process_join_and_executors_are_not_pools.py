import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

def main():
    p = mp.Process(target=work, args=(1,))
    p.start()
    p.join()
    ex = ProcessPoolExecutor()
    ex.submit(work, 2)
    ex.shutdown()
