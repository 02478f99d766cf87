import multiprocessing as mp
from sqlalchemy import create_engine

engine = create_engine("postgresql://db/app")

def reset():
    engine.dispose(close=False)

def query(i):
    with engine.connect() as conn:
        return conn.execute("select 1")

if __name__ == "__main__":
    with mp.get_context("fork").Pool(2, initializer=reset) as pool:
        pool.map(query, range(4))
