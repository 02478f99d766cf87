from concurrent.futures import ProcessPoolExecutor

def convert(name):
    return name.upper()

def main(files):
    with ProcessPoolExecutor() as ex:
        for f in files:
            ex.submit(convert, f)  # warning: MP401 9:13
    print("all converted")

if __name__ == "__main__":
    main(["a", "b"])
