import torch
from torch.utils.data import DataLoader, TensorDataset

dataset = TensorDataset(torch.arange(100.0))
loader = DataLoader(dataset, batch_size=10, shuffle=True, num_workers=2)

if __name__ == "__main__":
    for (batch,) in loader:  # error: MP101 6:17
        print(batch.sum())
