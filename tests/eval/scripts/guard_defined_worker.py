import multiprocessing as mp

if __name__ == "__main__":
    def summarize(path):
        return len(path)

    with mp.Pool(2) as pool:
        print(pool.map(summarize, ["a", "bb"]))  # expect: MP206
