import multiprocessing as mp

async def serve(port):
    print("serving", port)

if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(2) as pool:
        pool.map(serve, [8000, 8001])  # error: MP207 9:18
    p = mp.Process(target=serve, args=(9000,))  # error: MP207 10:27
    p.start()
