"""torch.multiprocessing: spawn() always uses the spawn start method."""
import os

import torch.distributed as dist
import torch.multiprocessing as mp


def setup(rank, world_size):
    os.environ["MASTER_ADDR"] = "localhost"
    os.environ["MASTER_PORT"] = "12355"
    dist.init_process_group("gloo", rank=rank, world_size=world_size)


def train(rank, world_size):
    setup(rank, world_size)
    print(f"rank {rank} ready")
    dist.destroy_process_group()


def launch(world_size):
    def run(rank):
        train(rank, world_size)

    mp.spawn(run, nprocs=world_size)  # expect: MP202


mp.spawn(train, args=(2,), nprocs=2, join=True)  # expect: MP101
