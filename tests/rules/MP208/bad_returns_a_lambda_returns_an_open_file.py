from concurrent.futures import ProcessPoolExecutor

def make_scaler(factor):
    return lambda x: x * factor

def open_log(path):
    fh = open(path, "a")
    return fh

def main():
    with ProcessPoolExecutor() as ex:
        s = ex.submit(make_scaler, 3)  # error: MP208 12:23
        log = ex.submit(open_log, "x.log")  # error: MP208 13:25
        return s.result(), log.result()
