from pebble import concurrent


@concurrent.process(timeout=60)
def resize(path):
    return path.upper()


def resize_all(paths):
    @concurrent.thread
    def log(path):
        print("resizing", path)

    @concurrent.process
    def never_called(path):
        return path

    for p in paths:
        log(p).result()
    return [resize(p).result() for p in paths]


if __name__ == "__main__":
    print(resize_all(["a.png", "b.png"]))
