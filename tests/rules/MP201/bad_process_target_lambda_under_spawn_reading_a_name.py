import multiprocessing as mp

def sync(bucket):
    print("syncing", bucket)

if __name__ == "__main__":
    bucket = "logs"
    p = mp.Process(target=lambda: sync(bucket))  # error: MP201 8:27
    p.start()
    p.join()
