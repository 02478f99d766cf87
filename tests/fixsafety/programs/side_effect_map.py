"""`Executor.map` called for its side effects only; the executor's exit waits for the tasks."""
import os
from concurrent.futures import ProcessPoolExecutor


def touch(path):
    with open(path, "w") as handle:
        handle.write("x")


if __name__ == "__main__":
    paths = [f"out-{i}.txt" for i in range(3)]
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as ex:
        ex.map(touch, paths)
    print(sorted(p for p in os.listdir(".") if p.startswith("out-")))
