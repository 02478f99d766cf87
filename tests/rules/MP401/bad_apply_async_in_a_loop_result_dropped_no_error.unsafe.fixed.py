from multiprocessing import Pool

def resize(path):
    raise ValueError(path)

if __name__ == "__main__":
    with Pool(4) as pool:
        async_results = []
        for p in ["a.png", "b.png"]:
            async_results.append(pool.apply_async(resize, (p,)))  # warning: MP401 9:13
        for async_result in async_results:
            async_result.get()
        pool.close()
        pool.join()
