# mpguard-fixture: start-method=fork
from pebble import concurrent


def resize_all(paths):
    @concurrent.process
    def resize(path):
        return path.upper()

    return [resize(p).result() for p in paths]


if __name__ == "__main__":
    print(resize_all(["a.png", "b.png"]))
