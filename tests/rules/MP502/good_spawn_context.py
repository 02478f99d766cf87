import multiprocessing as mp
import threading

def heartbeat():
    pass

def work(x):
    return x * x

def main():
    threading.Thread(target=heartbeat, daemon=True).start()
    ctx = mp.get_context("spawn")
    with ctx.Pool(4) as pool:
        print(pool.map(work, range(10)))

if __name__ == "__main__":
    main()
