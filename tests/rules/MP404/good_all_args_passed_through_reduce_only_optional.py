from multiprocessing import Pool

class LedgerError(Exception):
    def __init__(self, entry_id, reason):
        super().__init__(entry_id, reason)
        self.entry_id, self.reason = entry_id, reason

    def __str__(self):
        return f"{self.entry_id}: {self.reason}"

class QuotaError(Exception):
    def __init__(self, user, limit):
        super().__init__(f"{user} over {limit}")
        self.user, self.limit = user, limit

    def __reduce__(self):
        return (QuotaError, (self.user, self.limit))

class ParseError(ValueError):
    def __init__(self, line, msg="bad line"):
        super().__init__(f"{msg}: {line}")

def post(entry):
    if entry < 0:
        raise LedgerError(entry, "negative")
    if entry > 100:
        raise QuotaError("bob", 100)
    if entry == 7:
        raise ParseError(entry)
    if entry == 8:
        raise ValueError(entry, "standard exceptions pickle fine")
    return entry

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(post, [1, 2, 3]))
