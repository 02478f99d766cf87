import multiprocessing as mp

def index(doc):
    return len(doc)

if __name__ == "__main__":
    ctx = mp.get_context("spawn")
    with ctx.Pool(2) as pool:
        for doc in ["a", "bb"]:
            pool.apply_async(index, (doc,), error_callback=print)  # warning: MP402 10:13
    print("indexed")
