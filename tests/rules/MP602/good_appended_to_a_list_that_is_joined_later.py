from multiprocessing import Process

def export(table):
    print("exporting", table)

if __name__ == "__main__":
    workers = []
    for t in ["users", "orders"]:
        w = Process(target=export, args=(t,))
        w.start()
        workers.append(w)
    for w in workers:
        w.join()
