import multiprocessing as mp

def job(x):
    return x

if __name__ == "__main__":
    q = mp.Queue()
    pool = mp.Pool(2)
    pool.map(job, [1, 2])
    pool.terminate()
    helper = mp.Process(target=job, args=(1,))
    helper.start()
    helper.terminate()
    helper.join()
