import multiprocessing as mp

def work(lock):
    with lock:
        print("hi")

if __name__ == "__main__":
    fork_ctx = mp.get_context("fork")
    lock = fork_ctx.Lock()
    spawn_ctx = mp.get_context("spawn")
    p = spawn_ctx.Process(target=work, args=(lock,))  # warning: MP209 11:46
    p.start()
    p.join()
