from multiprocessing import Pool

def shutdown(pool):
    pool.close()

def main():
    pool = Pool(2)
    pool.map(abs, [-1, 2])
    shutdown(pool)
    pool.join()
