import multiprocessing as mp

def resize(path):
    return path

def main(paths):
    with mp.Pool() as pool:
        pending = [pool.apply_async(resize, (p,)) for p in paths]  # warning: MP402 8:20
        pool.close()
        pool.join()
    return [r.get() for r in pending]

if __name__ == "__main__":
    print(main(["a", "b"]))
