import numpy as np
from concurrent.futures import ProcessPoolExecutor

def window_mean(data, start):
    return data[start:start + 100].mean()

if __name__ == "__main__":
    data = np.random.rand(10_000_000)
    with ProcessPoolExecutor(max_workers=4) as ex:
        futures = []
        for start in range(0, len(data), 100_000):
            futures.append(ex.submit(window_mean, data, start))  # warning: MP301 12:51
        print(sum(f.result() for f in futures))
