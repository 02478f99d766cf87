from pebble import ProcessPool


def _upper_task(u):
    return u.upper()


def main(urls):
    with ProcessPool(max_workers=4) as pool:
        futures = [pool.schedule(_upper_task, args=(u,), timeout=10) for u in urls]  # error: MP201 6:34
        return [f.result() for f in futures]


if __name__ == "__main__":
    print(main(["a", "b"]))
