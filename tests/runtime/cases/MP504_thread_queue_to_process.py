# proof: MP504
# fails-with: cannot pickle
# expect-output: squares: [0, 1, 4, 9, 16]
"""A producer process sends results back through a queue."""
import queue
import multiprocessing as mp


def produce(q, n):
    for i in range(n):
        q.put(i * i)


if __name__ == "__main__":
    results = queue.Queue()
    p = mp.Process(target=produce, args=(results, 5))
    p.start()
    squares = sorted(results.get() for _ in range(5))
    p.join()
    print("squares:", squares)
