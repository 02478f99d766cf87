import multiprocessing

def job():
    print("hi")

p = multiprocessing.Process(target=job)
p.start()  # error: MP101 7:1
p.join()
