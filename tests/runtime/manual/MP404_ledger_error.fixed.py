# Hand-written fix for MP404_ledger_error.py: every constructor argument reaches super().__init__.
"""Post ledger entries in worker processes; a bad entry raises a custom exception."""
from concurrent.futures import ProcessPoolExecutor


class LedgerError(Exception):
    def __init__(self, entry_id, reason):
        super().__init__(entry_id, reason)
        self.entry_id = entry_id
        self.reason = reason

    def __str__(self):
        return f"entry {self.entry_id}: {self.reason}"


def post(entry):
    entry_id, amount = entry
    if amount < 0:
        raise LedgerError(entry_id, "negative amount")
    return amount


if __name__ == "__main__":
    entries = [(1, 10), (2, -5), (3, 7)]
    with ProcessPoolExecutor(max_workers=2) as ex:
        try:
            print("total:", sum(ex.map(post, entries)))
        except LedgerError as exc:
            print("rejected:", exc)
