import concurrent.futures as cf
import functools


def _main_task(p, *, weight):
    return len(p) * weight


def main(paths, weight):
    with cf.ProcessPoolExecutor() as ex:
        futures = [ex.submit(functools.partial(_main_task, weight=weight), p) for p in paths]  # error: MP201 5:30
        return [f.result() for f in futures]

if __name__ == "__main__":
    main(["a", "bb"], 3)
