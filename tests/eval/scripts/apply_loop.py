"""Render report pages with a pool (one version serial by mistake, one parallel)."""
from multiprocessing import Pool


def render(page):
    return f"<h1>{page}</h1>"


def render_serial(pages):
    out = []
    with Pool(4) as pool:
        for page in pages:
            out.append(pool.apply(render, (page,)))  # expect: MP304
        index = {p: pool.apply(render, (p,)) for p in pages[:3]}  # expect: MP304
    return out, index


def render_parallel(pages):
    with Pool(4) as pool:
        pending = [pool.apply_async(render, (p,)) for p in pages]
        cover = pool.apply(render, ("cover",))
        return [cover] + [r.get() for r in pending]


if __name__ == "__main__":
    print(render_serial(["a", "b"]), render_parallel(["c", "d"]))
