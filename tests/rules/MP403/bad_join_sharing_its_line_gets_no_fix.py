from multiprocessing import Process

def build_index(shard):
    raise ValueError(shard)

if __name__ == "__main__":
    p = Process(target=build_index, args=("shard-1",))  # hint: MP403 7:9
    p.start()
    p.join(); print("index built")
