from multiprocessing import Pool

def resize(path):
    raise ValueError(path)

if __name__ == "__main__":
    with Pool(4) as pool:
        for p in ["a.png", "b.png"]:
            pool.apply_async(resize, (p,))  # warning: MP401 9:13
        pool.close()
        pool.join()
