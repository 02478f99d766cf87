import multiprocessing as mp

def produce(q):
    for i in range(1000):
        q.put(i)

def consume(q):
    while (item := q.get()) is not None:
        print(item)

if __name__ == "__main__":
    q = mp.Queue()
    producer = mp.Process(target=produce, args=(q,))
    consumer = mp.Process(target=consume, args=(q,))
    producer.start()
    consumer.start()
    producer.terminate()  # warning: MP605 17:5
    consumer.join()
