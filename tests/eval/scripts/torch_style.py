import torch.multiprocessing as tmp


def train(rank):
    print("rank", rank)


if __name__ == "__main__":
    procs = []
    for rank in range(2):
        p = tmp.Process(target=train, args=(rank,))
        p.start()
        procs.append(p)
    for p in procs:
        p.join()
