# proof: MP507
# fails-with: total: 0\b
# expect-output: total: 400
"""Count processed items across worker processes with a shared counter."""
import multiprocessing as mp

counter = mp.Value("i", 0)


def process_items(n):
    for _ in range(n):
        with counter.get_lock():
            counter.value += 1


if __name__ == "__main__":
    workers = [mp.Process(target=process_items, args=(100,)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("total:", counter.value)
