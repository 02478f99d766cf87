import concurrent.futures as cf
from mylib import smallest as min

def work(x):
    return x

def main():
    with cf.ProcessPoolExecutor(64) as ex:  # warning: MP607 8:33
        return list(ex.map(work, range(8)))
