import torch.multiprocessing as mp


def main():
    mp.spawn(lambda rank: print(rank), nprocs=2)  # error: MP201 5:14


if __name__ == "__main__":
    main()
