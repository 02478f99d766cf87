import multiprocessing as mp

def step(x):
    return 1 / x

def main():
    pool = mp.Pool(2)
    result = pool.map_async(step, [0, 1, 2], callback=print)  # warning: MP401 8:14
    pool.close()
    pool.join()

if __name__ == "__main__":
    main()
