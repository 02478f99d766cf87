from multiprocessing import Pool

_model = None

def get_model():
    global _model
    if _model is None:
        _model = object()
    return _model

def predict(x):
    return id(get_model()) + x

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(predict, range(3)))
    print(get_model())
