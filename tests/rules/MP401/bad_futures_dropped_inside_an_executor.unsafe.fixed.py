from concurrent.futures import ProcessPoolExecutor

def convert(name):
    return name.upper()

def main(files):
    with ProcessPoolExecutor() as ex:
        futures = []
        for f in files:
            futures.append(ex.submit(convert, f))  # warning: MP401 9:13
        for future in futures:
            future.result()
    print("all converted")

if __name__ == "__main__":
    main(["a", "b"])
