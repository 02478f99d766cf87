import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor

def convert(path):
    return path.upper()

def process_folder(folder):
    files = [folder + str(i) for i in range(10)]
    pool = mp.Pool(4)  # error: MP606 8:12
    try:
        return pool.map(convert, files)
    finally:
        pool.close()
        pool.join()

def handle(folder):
    return process_folder(folder)

def main(folders):
    with ProcessPoolExecutor(max_workers=3, mp_context=mp.get_context("spawn")) as pool:
        return list(pool.map(handle, folders))
