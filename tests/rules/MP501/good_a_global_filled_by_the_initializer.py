from multiprocessing import Pool

MODEL = None

def init(path):
    global MODEL
    MODEL = path.upper()

def predict(x):
    return f"{MODEL}:{x}"

if __name__ == "__main__":
    with Pool(2, initializer=init, initargs=("m.bin",)) as pool:
        print(pool.map(predict, range(3)))
    print(MODEL)
