from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

if __name__ == "__main__":
    futures = []
    with ProcessPoolExecutor() as ex:
        for i in range(3):
            futures.append(ex.submit(work, i))
    total = sum(f.result() for f in futures)
    results = list(ex.map(work, range(3)))
