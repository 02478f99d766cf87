"""Image classifier training script (PyTorch), as posted in many 'Can't pickle local object' issues."""
import argparse

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset


class ImageFolderDataset(Dataset):
    def __init__(self, paths, labels):
        self.paths = paths
        self.labels = labels

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, index):
        return torch.load(self.paths[index]), self.labels[index]


def pad_collate(batch):
    images, labels = zip(*batch)
    return torch.stack(images), torch.tensor(labels)


def build_loaders(train_paths, train_labels, val_paths, val_labels, workers):
    train_set = ImageFolderDataset(train_paths, train_labels)
    val_set = ImageFolderDataset(val_paths, val_labels)
    train_loader = DataLoader(train_set, batch_size=64, shuffle=True, num_workers=workers,
                              collate_fn=lambda batch: pad_collate(batch))  # expect: MP201
    val_loader = DataLoader(val_set, batch_size=64, num_workers=workers, collate_fn=pad_collate,
                            persistent_workers=True)
    return train_loader, val_loader


def build_debug_loader(paths, labels):
    class InMemory(Dataset):
        def __init__(self):
            self.items = [torch.load(p) for p in paths]

        def __len__(self):
            return len(self.items)

        def __getitem__(self, index):
            return self.items[index], labels[index]

    def seed_worker(worker_id):
        torch.manual_seed(worker_id)

    return DataLoader(InMemory(), batch_size=8, num_workers=2,  # expect: MP202
                      worker_init_fn=seed_worker)  # expect: MP202


def evaluate(model, loader):
    model.eval()
    correct = 0
    with torch.no_grad():
        for images, labels in loader:
            correct += (model(images).argmax(1) == labels).sum().item()
    return correct


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    model = nn.Linear(10, 2)
    train_loader, val_loader = build_loaders([], [], [], [], args.workers)
    for images, labels in train_loader:
        model(images)
    print(evaluate(model, val_loader))


if __name__ == "__main__":
    main()
