from multiprocessing import Pool

def resize(path):
    return path.upper()

def process_batch(paths):
    with Pool(8) as pool:  # warning: MP601 7:12
        # one result per path
        thumbs = pool.map(resize, paths)
    return thumbs
