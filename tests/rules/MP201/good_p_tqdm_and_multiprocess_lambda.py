# p_tqdm (on pathos) and multiprocess pickle with dill.
import multiprocess as mp
from p_tqdm import p_map


def main():
    print(p_map(lambda x: x + 1, range(10)))
    with mp.Pool(2) as pool:
        print(pool.map(lambda x: x * 2, range(10)))


if __name__ == "__main__":
    main()
