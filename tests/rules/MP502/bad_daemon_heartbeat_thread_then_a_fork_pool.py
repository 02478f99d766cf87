import multiprocessing as mp
import threading
import time

def heartbeat():
    while True:
        time.sleep(5)

def work(x):
    return x * x

def main():
    threading.Thread(target=heartbeat, daemon=True).start()
    ctx = mp.get_context("fork")
    with ctx.Pool(4) as pool:  # warning: MP502 15:10
        print(pool.map(work, range(10)))

if __name__ == "__main__":
    main()
