import sqlite3
from multiprocessing import Pool

def load(conn, part):
    return conn.execute("select count(*) from t where part = ?", (part,)).fetchone()

def main(parts):
    conn = sqlite3.connect("data.db")
    with Pool() as pool:
        return pool.starmap(load, [(conn, p) for p in parts])  # error: MP203 10:37
