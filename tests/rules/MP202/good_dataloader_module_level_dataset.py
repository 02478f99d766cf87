from torch.utils.data import DataLoader, Dataset


class Samples(Dataset):
    def __init__(self, samples):
        self.samples = samples

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        return self.samples[i]


def collate(batch):
    return batch


def train(samples):
    loader = DataLoader(Samples(samples), batch_size=8, num_workers=4, collate_fn=collate)
    return [batch for batch in loader]


if __name__ == "__main__":
    print(train([1, 2, 3]))
