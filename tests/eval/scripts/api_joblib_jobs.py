"""Feature extraction with joblib: the default loky backend vs the multiprocessing backend."""
from joblib import Parallel, delayed


def extract(doc):
    return len(doc.split())


def extract_all(docs, n_jobs=4):
    return Parallel(n_jobs=n_jobs)(delayed(extract)(d) for d in docs)


def extract_all_closure(docs, vocabulary):
    def known(doc):
        return sum(w in vocabulary for w in doc.split())

    loky = Parallel(n_jobs=2)(delayed(known)(d) for d in docs)  # cloudpickle: fine
    threads = Parallel(n_jobs=2, backend="threading")(delayed(known)(d) for d in docs)
    forked = Parallel(n_jobs=2, backend="multiprocessing")(delayed(known)(d) for d in docs)  # expect: MP202
    return loky, threads, forked


def extract_all_mp(docs):
    runner = Parallel(n_jobs=2, backend="multiprocessing", verbose=5)
    return runner(delayed(extract)(d) for d in docs)


if __name__ == "__main__":
    print(extract_all(["a b"]), extract_all_closure(["a b"], {"a"}), extract_all_mp(["a"]))
