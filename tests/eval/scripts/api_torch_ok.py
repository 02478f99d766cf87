"""A training script that does the DataLoader right: module-level dataset, collate and seeding."""
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset


class Windows(Dataset):
    def __init__(self, series, width):
        self.series = series
        self.width = width

    def __len__(self):
        return len(self.series) - self.width

    def __getitem__(self, i):
        return self.series[i:i + self.width]


def collate(batch):
    return torch.stack(batch)


def seed_worker(worker_id):
    torch.manual_seed(1234 + worker_id)


def loaders(series):
    train = DataLoader(Windows(series, 16), batch_size=32, num_workers=4, collate_fn=collate,
                       worker_init_fn=seed_worker)
    # no workers: a lambda is fine in the main process
    debug = DataLoader(TensorDataset(series), batch_size=4, collate_fn=lambda b: b)
    return train, debug


def main():
    series = torch.arange(1000.0)
    train, debug = loaders(series)
    for batch in train:
        print(batch.shape)
    print(next(iter(debug)))


if __name__ == "__main__":
    main()
