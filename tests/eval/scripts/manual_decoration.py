"""Profile the scoring function by wrapping it by hand before handing it to the executor."""
import cProfile
from concurrent.futures import ProcessPoolExecutor


def profiled(fn):
    def run(*args):
        profiler = cProfile.Profile()
        try:
            return profiler.runcall(fn, *args)
        finally:
            profiler.dump_stats(f"{fn.__name__}.prof")
    return run


def score(doc):
    return len(doc.split())


score = profiled(score)


def main(docs):
    with ProcessPoolExecutor(max_workers=4) as ex:
        return list(ex.map(score, docs))  # expect: MP210


if __name__ == "__main__":
    print(main(["a b", "c d e"]))
