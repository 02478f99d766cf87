import torch
from torch.utils.data import DataLoader, TensorDataset

dataset = TensorDataset(torch.arange(100.0))
inline = DataLoader(dataset, batch_size=10)
for (batch,) in inline:  # no workers: nothing starts
    print(batch.sum())


def main():
    loader = DataLoader(dataset, batch_size=10, num_workers=2)
    for (batch,) in loader:
        print(batch.sum())


if __name__ == "__main__":
    main()
