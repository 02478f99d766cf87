"""A notebook-turned-script: the loader is iterated at import time, so spawned workers re-run it."""
import torch
from torch.utils.data import DataLoader, TensorDataset

features = torch.randn(256, 8)
targets = torch.randint(0, 2, (256,))
dataset = TensorDataset(features, targets)
loader = DataLoader(dataset, batch_size=32, shuffle=True, num_workers=2)

model = torch.nn.Linear(8, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
for x, y in loader:  # expect: MP101
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
