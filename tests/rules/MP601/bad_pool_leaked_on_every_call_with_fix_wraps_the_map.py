from multiprocessing import Pool

def resize(path):
    return path.upper()

def process_batch(paths):
    pool = Pool(8)  # warning: MP601 7:12
    # one result per path
    thumbs = pool.map(resize, paths)
    return thumbs
