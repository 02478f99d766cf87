from multiprocessing.shared_memory import ShareableList


class Registry:
    def __init__(self):
        self.tables = []

    def close(self):
        for table in self.tables:
            table.shm.close()
            table.shm.unlink()


def publish(registry, values):
    table = ShareableList(values)
    registry.tables.append(table)
    return table.shm.name


def make_table(values):
    table = ShareableList(values)
    return table
