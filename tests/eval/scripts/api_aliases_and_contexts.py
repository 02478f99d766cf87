"""The same APIs through module aliases, and contexts that make pickling unnecessary."""
import multiprocessing

import tqdm.contrib.concurrent as tcc
from torch.utils import data
from torch.utils.data import DataLoader as Loader


def normalise(batch):
    return batch


def loaders(dataset, workers):
    forked = data.DataLoader(dataset, num_workers=workers, multiprocessing_context="fork",
                             collate_fn=lambda b: b)  # fork: the loader is inherited, not pickled
    spawned = Loader(dataset, num_workers=workers,
                     multiprocessing_context=multiprocessing.get_context("spawn"),
                     collate_fn=lambda b: normalise(b))  # expect: MP201
    inline = Loader(dataset, num_workers=0, collate_fn=lambda b: b)
    return forked, spawned, inline


def lengths(paths):
    return tcc.process_map(lambda p: len(p), paths, chunksize=4)  # expect: MP201


if __name__ == "__main__":
    print(loaders([1, 2], 2), lengths(["a"]))
