# proof: MP102
# runner: plain
# fails-with: context has already been set|TIMEOUT
# expect-output: lengths: [5, 6]
"""The start method is chosen at import time: each spawned child re-imports this module and
calls set_start_method() a second time."""
import multiprocessing as mp


def measure(word):
    return len(word)


mp.set_start_method("spawn")

if __name__ == "__main__":
    with mp.Pool(2) as pool:
        print("lengths:", pool.map(measure, ["hello", "worlds"]))
