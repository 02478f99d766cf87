from multiprocessing import Pool

def resize(path):
    return path

if __name__ == "__main__":
    with Pool(4) as pool:
        [async_result.get() for async_result in [pool.apply_async(resize, (p,)) for p in ["a", "b"]]]  # warning: MP401 8:10
        pool.close()
        pool.join()
