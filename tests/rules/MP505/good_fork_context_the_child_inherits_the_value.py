import multiprocessing as mp

CONFIG = None

def work(x):
    return x + CONFIG["offset"]

def main():
    global CONFIG
    CONFIG = {"offset": 1}
    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        print(pool.map(work, [1, 2]))

if __name__ == "__main__":
    main()
