import torch.multiprocessing as mp


def worker(rank, world_size):
    print(f"rank {rank} of {world_size}")


mp.spawn(worker, args=(2,), nprocs=2, join=True)  # error: MP101 8:1
