from concurrent.futures import ProcessPoolExecutor


def thumbnail(path):
    return path + ".thumb"


def make_thumbnails(paths):
    futures = []
    with ProcessPoolExecutor() as executor:
        for path in paths:
            future = executor.submit(thumbnail, path)
            futures.append(future)
        return [f.result() for f in futures]


def with_deadline(paths):
    with ProcessPoolExecutor() as executor:
        for path in paths:
            future = executor.submit(thumbnail, path)
            try:
                print(future.result(timeout=10))
            except TimeoutError:
                future.cancel()


def warm_up(paths):
    with ProcessPoolExecutor() as executor:
        for path in paths:
            future = executor.submit(thumbnail, path)
        return future.result()


if __name__ == "__main__":
    print(make_thumbnails(["a"]), with_deadline(["b"]), warm_up(["c"]))


def first_success(paths):
    with ProcessPoolExecutor() as executor:
        for path in paths:
            future = executor.submit(thumbnail, path)
            return future.result()
    return None
