from multiprocessing import Pool

def work(x):
    return x

def on_error(exc):
    print("failed:", exc)

if __name__ == "__main__":
    with Pool(2) as pool:
        for i in range(3):
            pool.apply_async(work, (i,), callback=print, error_callback=on_error)
        pool.close()
        pool.join()
