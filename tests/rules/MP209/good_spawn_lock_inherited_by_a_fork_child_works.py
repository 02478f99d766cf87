import multiprocessing as mp

def work(lock):
    pass

if __name__ == "__main__":
    lock = mp.get_context("spawn").Lock()
    p = mp.get_context("fork").Process(target=work, args=(lock,))
    p.start()
    p.join()
