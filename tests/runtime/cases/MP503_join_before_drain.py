# proof: MP503
# fails-with: TIMEOUT
# expect-output: received 1000000 bytes
"""Render a large report in a child process and hand it back through a queue."""
import multiprocessing as mp


def render(size, out):
    out.put(b"x" * size)  # ~1 MB: far more than the pipe buffer


if __name__ == "__main__":
    queue = mp.Queue()
    proc = mp.Process(target=render, args=(1_000_000, queue))
    proc.start()
    proc.join()
    report = queue.get()
    print("received", len(report), "bytes")
