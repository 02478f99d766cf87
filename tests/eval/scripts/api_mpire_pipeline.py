"""mpire: fork where available (Linux, macOS), spawn on Windows; use_dill=True switches to dill."""
from mpire import WorkerPool


def tokenize(text):
    return text.split()


def run(texts):
    with WorkerPool(n_jobs=4) as pool:
        tokens = pool.map(tokenize, texts, progress_bar=True)
        lengths = pool.map(lambda t: len(t), tokens)  # expect: MP201
    with WorkerPool(n_jobs=4, use_dill=True) as pool:
        upper = pool.map(lambda t: t.upper(), texts)
    with WorkerPool(n_jobs=2, start_method="threading") as pool:
        lower = pool.map(lambda t: t.lower(), texts)
    return tokens, lengths, upper, lower


if __name__ == "__main__":
    print(run(["a b", "c"]))
