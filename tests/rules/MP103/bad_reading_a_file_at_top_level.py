import json
from concurrent.futures import ProcessPoolExecutor

with open("config.json") as fh:  # warning: MP103 4:6
    CONFIG = json.load(fh)

def score(x):
    return x * CONFIG["weight"]

if __name__ == "__main__":
    with ProcessPoolExecutor() as ex:
        print(list(ex.map(score, range(10))))
