from multiprocessing import Pool

def render(page):
    return page * 2

if __name__ == "__main__":
    with Pool(8) as pool:
        pages = [pool.apply(render, (p,)) for p in range(100)]  # info: MP304 8:18
    print(len(pages))
