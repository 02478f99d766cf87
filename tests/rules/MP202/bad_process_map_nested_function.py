from tqdm.contrib.concurrent import process_map


def resize_all(paths, width):
    def resize(path):
        return path, width

    return process_map(resize, paths, chunksize=16)  # error: MP202 8:24


if __name__ == "__main__":
    print(resize_all(["a.png"], 64))
