from multiprocessing import Pool

FAILED = []

def check(path):
    if not path.endswith(".txt"):
        FAILED.append(path)  # warning: MP501 7:9

if __name__ == "__main__":
    with Pool(4) as pool:
        pool.map(check, ["a.txt", "b.csv"])
    print("failed:", FAILED)
