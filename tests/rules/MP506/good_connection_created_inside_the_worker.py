import psycopg2
import multiprocessing as mp

def load(day):
    conn = psycopg2.connect("dbname=app")
    try:
        return conn.cursor().execute("select 1")
    finally:
        conn.close()

if __name__ == "__main__":
    mp.set_start_method("fork")
    with mp.Pool(4) as pool:
        pool.map(load, range(7))
