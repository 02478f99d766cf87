from multiprocessing import Process

def serve():
    pass

class Supervisor:
    def start(self):
        self.proc = Process(target=serve)
        self.proc.start()

    def stop(self):
        self.proc.join()

def launch():
    p = Process(target=serve)
    p.start()
    return p
