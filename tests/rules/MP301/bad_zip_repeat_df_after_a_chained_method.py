import itertools
import pandas as pd
from multiprocessing import Pool

def score(frame, col):
    return frame[col].mean()

def main():
    frame = pd.read_csv("big.csv").dropna()
    with Pool() as pool:
        return pool.starmap(score, zip(itertools.repeat(frame), frame.columns))  # warning: MP301 11:57

if __name__ == "__main__":
    main()
