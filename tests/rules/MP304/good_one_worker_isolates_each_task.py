from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


def run_plugin(path):
    return len(path)


def run_all_isolated(paths):
    results = []
    with ProcessPoolExecutor(max_workers=1) as sandbox:
        for path in paths:
            results.append(sandbox.submit(run_plugin, path).result())
    with Pool(1) as single:
        results.extend(single.apply(run_plugin, (p,)) for p in paths)
    return results


if __name__ == "__main__":
    print(run_all_isolated(["a", "bb"]))
