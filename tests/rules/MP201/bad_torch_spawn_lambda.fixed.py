import torch.multiprocessing as mp


def _print_task(rank):
    return print(rank)


def main():
    mp.spawn(_print_task, nprocs=2)  # error: MP201 5:14


if __name__ == "__main__":
    main()
