from concurrent.futures import ProcessPoolExecutor, as_completed

def convert(name):
    return name

def main(files):
    with ProcessPoolExecutor() as ex:
        futures = {ex.submit(convert, f): f for f in files}
        for fut in as_completed(futures):
            try:
                print(fut.result())
            except ValueError as exc:
                print(futures[fut], exc)

if __name__ == "__main__":
    main(["a"])
