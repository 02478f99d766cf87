import multiprocessing

if __name__ == "__main__":
    class Worker(multiprocessing.Process):
        def run(self):
            print("running")

    w = Worker()  # error: MP206 8:9
    w.start()
    w.join()
