import multiprocessing as mp

class Exporter(mp.Process):
    def __init__(self, name):
        super().__init__()
        self.export_name = name

    def run(self):
        open(self.export_name).read()

if __name__ == "__main__":
    workers = []
    for n in ["a.csv", "b.csv"]:
        w = Exporter(n)  # hint: MP403 14:13
        workers.append(w)
        w.start()
    for w in workers:
        w.join()
        if w.exitcode != 0:
            raise RuntimeError(f"process {w.name} failed with exit code {w.exitcode}")
