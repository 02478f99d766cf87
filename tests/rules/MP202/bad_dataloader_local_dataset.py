from torch.utils.data import DataLoader, Dataset


def train(samples):
    class Samples(Dataset):
        def __len__(self):
            return len(samples)

        def __getitem__(self, i):
            return samples[i]

    loader = DataLoader(Samples(), batch_size=8, num_workers=4)  # error: MP202 12:25
    return [batch for batch in loader]


if __name__ == "__main__":
    print(train([1, 2, 3]))
