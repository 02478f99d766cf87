from multiprocessing import Pool, Manager

def check(args):
    path, failed = args
    if not path.endswith(".txt"):
        failed.append(path)

if __name__ == "__main__":
    with Manager() as m:
        failed = m.list()
        with Pool(4) as pool:
            pool.map(check, [(p, failed) for p in ["a.txt", "b.csv"]])
        print(list(failed))
