import multiprocessing as mp

def serve(conn):
    while True:
        conn.send(conn.recv())

class Server:
    def start(self):
        self.parent_end, child_end = mp.Pipe()
        self.proc = mp.Process(target=serve, args=(child_end,))
        self.proc.start()

    def stop(self):
        self.proc.terminate()
