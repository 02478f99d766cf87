import multiprocessing as mp

if __name__ == "__main__":
    class Job(mp.Process):
        def run(self):
            print("job")

    j = Job()  # expect: MP206
    j.start()
    j.join()
    print(j.exitcode)
