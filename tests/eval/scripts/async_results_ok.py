from multiprocessing import Pool


def f(x):
    return x * x


def on_error(exc):
    print("failed:", exc)


if __name__ == "__main__":
    with Pool(4) as pool:
        handles = [pool.apply_async(f, (i,)) for i in range(10)]
        print([h.get(timeout=10) for h in handles])
        pool.apply_async(f, (3,), callback=print, error_callback=on_error)
        r = pool.map_async(f, range(5))
        r.wait()
        print(r.get())
        pool.close()
        pool.join()
