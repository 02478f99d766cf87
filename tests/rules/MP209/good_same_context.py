import multiprocessing as mp

def work(lock):
    pass

if __name__ == "__main__":
    ctx = mp.get_context("spawn")
    lock = ctx.Lock()
    p = ctx.Process(target=work, args=(lock,))
    p.start()
    p.join()
