import threading

def job(n):
    print(n)

if __name__ == "__main__":
    t = threading.Thread(target=job, args=(1,))
    t.start()
    t.join()
