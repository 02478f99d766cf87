import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(features, labels, workers):
    dataset = TensorDataset(torch.tensor(features), torch.tensor(labels))
    return DataLoader(dataset, batch_size=32, num_workers=workers,
                      collate_fn=lambda batch: batch)  # error: MP201 8:34


if __name__ == "__main__":
    for batch in make_loader([[1.0]], [0], 2):
        print(batch)
