from multiprocessing import Pool

class LedgerError(Exception):
    def __init__(self, entry_id, reason):
        super().__init__(f"{entry_id}: {reason}")
        self.entry_id = entry_id

def post(entry):
    if entry["amount"] < 0:
        raise LedgerError(entry["id"], "negative amount")  # warning: MP404 10:9
    return entry["amount"]

if __name__ == "__main__":
    with Pool(4) as pool:
        print(pool.map(post, [{"id": 1, "amount": 5}, {"id": 2, "amount": -1}]))
