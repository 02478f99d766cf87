# mpguard-fixture: start-method=fork
import sqlite3
from multiprocessing import Pool

DB = None

def lookup(key):
    return DB.execute("select v from kv where k = ?", (key,)).fetchone()

def main():
    global DB
    DB = sqlite3.connect("cache.db")  # warning: MP506 12:10
    with Pool(4) as pool:
        print(pool.map(lookup, ["a", "b"]))

if __name__ == "__main__":
    main()
