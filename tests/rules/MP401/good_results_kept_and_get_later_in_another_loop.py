from multiprocessing import Pool

def resize(path):
    return path

if __name__ == "__main__":
    with Pool(4) as pool:
        results = [pool.apply_async(resize, (p,)) for p in ["a", "b"]]
        pool.close()
        pool.join()
    for r in results:
        print(r.get())
