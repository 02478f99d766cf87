import multiprocessing as mp

def work(item, q):
    q.put(item * 2)

if __name__ == "__main__":
    q = mp.Queue()
    with mp.Pool(2) as pool:
        for i in range(4):
            pool.apply_async(work, (i, q)).get()  # error: MP203 10:40
