from tqdm.contrib.concurrent import process_map


def _len_task(p):
    return len(p)


def main(paths):
    sizes = process_map(_len_task, paths, max_workers=4, chunksize=8)  # error: MP201 5:25
    print(sum(sizes))


if __name__ == "__main__":
    main(["a.txt", "b.txt"])
