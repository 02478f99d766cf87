from multiprocessing import Pool

def main():
    with Pool() as p:
        p.map(abs, [-1, 2])
