import multiprocessing

def job():
    print("hi")

p = multiprocessing.Process(target=job)

if __name__ == "__main__":
    p.start()  # error: MP101 7:1
    p.join()
