# proof: MP201
# fails-with: Can't pickle|PicklingError
# expect-output: synced logs
# fix-args: --unsafe-fixes
"""Start a sync process whose target is a lambda: works with fork, fails under spawn."""
import multiprocessing as mp


def sync(bucket):
    print("synced", bucket, flush=True)


if __name__ == "__main__":
    bucket = "logs"
    p = mp.Process(target=lambda: sync(bucket))
    p.start()
    p.join()
    if p.exitcode != 0:
        raise SystemExit(p.exitcode)
