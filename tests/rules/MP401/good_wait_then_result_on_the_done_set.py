import concurrent.futures as cf

def work(x):
    return x

def main():
    with cf.ProcessPoolExecutor() as ex:
        futs = [ex.submit(work, i) for i in range(3)]
        done, pending = cf.wait(futs, return_when=cf.FIRST_EXCEPTION)
        for f in done:
            f.result()

if __name__ == "__main__":
    main()
