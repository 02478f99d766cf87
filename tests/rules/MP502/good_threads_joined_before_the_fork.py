import multiprocessing as mp
import threading

def load(part):
    pass

def work(x):
    return x * x

def main():
    loaders = [threading.Thread(target=load, args=(i,)) for i in range(3)]
    for t in loaders:
        t.start()
    for t in loaders:
        t.join()
    with mp.get_context("fork").Pool(4) as pool:
        print(pool.map(work, range(10)))

if __name__ == "__main__":
    main()
