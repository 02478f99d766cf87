from concurrent.futures import ProcessPoolExecutor

def render(page):
    return page * 2

def pages():
    n = 0
    while True:
        n += 1
        yield n

if __name__ == "__main__":
    with ProcessPoolExecutor() as ex:
        for out in ex.map(render, pages(), buffersize=8):
            if out > 100:
                break
