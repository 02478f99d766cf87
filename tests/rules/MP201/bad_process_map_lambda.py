from tqdm.contrib.concurrent import process_map


def main(paths):
    sizes = process_map(lambda p: len(p), paths, max_workers=4, chunksize=8)  # error: MP201 5:25
    print(sum(sizes))


if __name__ == "__main__":
    main(["a.txt", "b.txt"])
