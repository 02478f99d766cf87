from multiprocessing import Process
import sys

def build_index(shard):
    raise ValueError(shard)

if __name__ == "__main__":
    p = Process(target=build_index, args=("shard-1",))
    p.start()
    p.join()
    if p.exitcode != 0:
        sys.exit(f"worker failed: {p.exitcode}")
