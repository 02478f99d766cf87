# num_workers=0 (the default) loads in the main process: nothing is pickled.
from torch.utils.data import DataLoader


def make_loaders(dataset):
    train = DataLoader(dataset, batch_size=32, collate_fn=lambda batch: batch)
    test = DataLoader(dataset, batch_size=32, num_workers=0, collate_fn=lambda batch: batch)
    return train, test
