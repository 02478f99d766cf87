# mpguard-fixture: start-method=fork
import sqlite3
from multiprocessing import Pool

DB = None

def init():
    global DB
    DB = sqlite3.connect("cache.db")

def lookup(key):
    return DB.execute("select v from kv where k = ?", (key,)).fetchone()

if __name__ == "__main__":
    with Pool(4, initializer=init) as pool:
        print(pool.map(lookup, ["a", "b"]))
