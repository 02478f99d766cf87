from multiprocessing import Process

def serve(port):
    print(port)

if __name__ == "__main__":
    p = Process(target=serve, args=(8080,), daemon=True)
    p.start()
