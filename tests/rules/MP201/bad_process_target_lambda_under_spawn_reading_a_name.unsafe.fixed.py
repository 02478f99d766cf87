import multiprocessing as mp
import functools

def sync(bucket):
    print("syncing", bucket)


def _sync_target(*, bucket):
    return sync(bucket)


if __name__ == "__main__":
    bucket = "logs"
    p = mp.Process(target=functools.partial(_sync_target, bucket=bucket))  # error: MP201 8:27
    p.start()
    p.join()
