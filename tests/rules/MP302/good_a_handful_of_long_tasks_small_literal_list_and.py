from concurrent.futures import ProcessPoolExecutor
import numpy as np

def train(cfg):
    return cfg

if __name__ == "__main__":
    configs = [{"lr": 0.1}, {"lr": 0.01}, {"lr": 0.001}]
    with ProcessPoolExecutor() as ex:
        models = list(ex.map(train, configs))
        chunks = np.array_split(np.arange(100), 4)
        parts = list(ex.map(np.sum, chunks))
        squares = list(ex.map(abs, range(20)))
