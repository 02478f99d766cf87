from multiprocessing import Pool, freeze_support

def work(x):
    return x * 2

def main():
    with Pool(2) as pool:
        return pool.map(work, range(4))

if '__main__' == __name__:
    freeze_support()
    main()
