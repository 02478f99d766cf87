import multiprocessing as mp

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
    with mp.get_context("spawn").Pool(3) as pool:
        return pool.map(handle, folders)
