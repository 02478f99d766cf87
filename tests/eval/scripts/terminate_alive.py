"""A watchdog kills a stuck producer; the consumer keeps reading the shared queue."""
import multiprocessing as mp


def produce(q, n):
    for i in range(n):
        q.put(i)
    q.put(None)


def consume(q, out):
    total = 0
    while (item := q.get()) is not None:
        total += item
    out.put(total)


if __name__ == "__main__":
    q, out = mp.Queue(), mp.Queue()
    producer = mp.Process(target=produce, args=(q, 1000))
    consumer = mp.Process(target=consume, args=(q, out))
    producer.start()
    consumer.start()
    producer.join(timeout=2)
    if producer.is_alive():
        producer.terminate()  # expect: MP605
        q.put(None)
    print(out.get())
    consumer.join()
