from concurrent.futures import ProcessPoolExecutor

def upload(page):
    return page

if __name__ == "__main__":
    with ProcessPoolExecutor() as ex:
        ex.map(upload, range(10))  # warning: MP401 8:9
