from concurrent.futures import ProcessPoolExecutor

if __name__ == "__main__":
    # count words of one file
    def summarize(path):
        with open(path) as fh:
            return len(fh.read().split())

    with ProcessPoolExecutor() as ex:
        print(list(ex.map(summarize, ["a.txt", "b.txt"])))  # error: MP206 10:27
