import numpy as np
import pandas as pd
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


def stats(frame, store_id):
    return frame[frame.store == store_id].sales.sum()


def top_k(embeddings, query):
    return int(np.argmax(embeddings @ query))


def main():
    frame = pd.read_csv("sales.csv")
    embeddings = np.load("emb.npy")
    with Pool(4) as pool:
        totals = pool.starmap(stats, [(frame, sid) for sid in range(100)])  # expect: MP301
    with ProcessPoolExecutor() as ex:
        futs = []
        for q in range(50):
            futs.append(ex.submit(top_k, embeddings, q))  # expect: MP301
        print([f.result() for f in futs], totals)


if __name__ == "__main__":
    main()
