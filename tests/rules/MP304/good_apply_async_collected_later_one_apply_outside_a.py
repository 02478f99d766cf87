from multiprocessing import Pool

def render(page):
    return page * 2

if __name__ == "__main__":
    with Pool(8) as pool:
        pending = [pool.apply_async(render, (p,)) for p in range(100)]
        pages = [r.get() for r in pending]
        first = pool.apply(render, (0,))
    print(len(pages), first)
