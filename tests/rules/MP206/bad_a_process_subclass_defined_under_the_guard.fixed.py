import multiprocessing


class Worker(multiprocessing.Process):
    def run(self):
        print("running")


if __name__ == "__main__":
    w = Worker()  # error: MP206 8:9
    w.start()
    w.join()
