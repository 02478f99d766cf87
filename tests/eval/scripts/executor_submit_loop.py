"""Hash files in a process pool: one version waits on each future in the loop, one submits first."""
import concurrent.futures
import hashlib
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def digest_serial(paths):
    sums = {}
    with ProcessPoolExecutor() as pool:
        for path in paths:
            sums[path] = pool.submit(digest, path).result()  # expect: MP304
        sizes = [pool.submit(len, p).result() for p in paths]  # expect: MP304
        for path in paths:
            pending = pool.submit(digest, path)
            sums[path] = pending.result()  # expect: MP304
    return sums, sizes


def digest_parallel(paths):
    with concurrent.futures.ProcessPoolExecutor(max_workers=4) as pool:
        futures = {pool.submit(digest, p): p for p in paths}
        return {futures[f]: f.result() for f in concurrent.futures.as_completed(futures)}


def digest_isolated(paths):
    # one worker on purpose: a crash in `digest` must not take the service down
    with ProcessPoolExecutor(max_workers=1) as sandbox:
        return [sandbox.submit(digest, p).result(timeout=30) for p in paths]


def read_sizes(paths):
    with ThreadPoolExecutor(8) as threads:
        return [threads.submit(len, p).result() for p in paths]


if __name__ == "__main__":
    print(digest_serial([__file__]), digest_parallel([__file__]), digest_isolated([__file__]), read_sizes(["a"]))
