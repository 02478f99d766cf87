from pathos.pools import ProcessPool


def resize_all(paths, width):
    def resize(path):
        return path, width

    pool = ProcessPool(nodes=2)
    return pool.map(resize, paths)


if __name__ == "__main__":
    print(resize_all(["a.png"], 64))
