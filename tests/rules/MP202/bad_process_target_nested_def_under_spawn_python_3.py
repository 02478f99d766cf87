import multiprocessing as mp

def main():
    def consumer(q):
        while (item := q.get()) is not None:
            print(item)

    q = mp.Queue()
    p = mp.Process(target=consumer, args=(q,))  # error: MP202 9:27
    p.start()
    q.put(None)
    p.join()

if __name__ == "__main__":
    main()
