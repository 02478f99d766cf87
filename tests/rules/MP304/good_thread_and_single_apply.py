from multiprocessing import Pool


def render(page):
    return page * 2


def render_all(pool, pages):
    return pool.map(render, pages)


if __name__ == "__main__":
    with Pool(4) as pool:
        first = pool.apply(render, (0,))
        rest = render_all(pool, range(1, 100))
        pending = {p: pool.apply_async(render, (p,)) for p in range(5)}
        extra = {p: r.get() for p, r in pending.items()}
    print(first, len(rest), extra)
