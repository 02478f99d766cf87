from concurrent.futures import ProcessPoolExecutor


def render(page):
    return page * 2


if __name__ == "__main__":
    with ProcessPoolExecutor(4) as pool:
        pages = [pending.result(timeout=60) for pending in [pool.submit(render, p) for p in range(100) if p % 2]]  # info: MP304 10:18
    print(len(pages))
