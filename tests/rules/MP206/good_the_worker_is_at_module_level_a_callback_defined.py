from multiprocessing import Pool

def work(x):
    return x * 2

if __name__ == "__main__":
    def report(results):
        print("done", results)

    with Pool() as pool:
        pool.map_async(work, range(4), callback=report).wait()
