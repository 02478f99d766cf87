from pebble import concurrent


@concurrent.process(timeout=60)  # error: MP202 5:5
def resize(path):
    return path.upper()


def resize_all(paths):
    return [resize(p).result() for p in paths]


if __name__ == "__main__":
    print(resize_all(["a.png", "b.png"]))
