from concurrent.futures import ProcessPoolExecutor


def thumbnail(path):
    return path + ".thumb"


def make_thumbnails(paths):
    made = []
    with ProcessPoolExecutor() as executor:
        for path in paths:
            future = executor.submit(thumbnail, path)
            made.append(future.result())  # info: MP304 13:25
    return made
