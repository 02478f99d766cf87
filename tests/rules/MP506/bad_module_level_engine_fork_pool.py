import multiprocessing as mp
from sqlalchemy import create_engine, text

engine = create_engine("postgresql://db/app")  # warning: MP506 4:10

def count_rows(table):
    with engine.connect() as conn:
        return conn.execute(text(f"select count(*) from {table}")).scalar()

if __name__ == "__main__":
    ctx = mp.get_context("fork")
    with ctx.Pool(4) as pool:
        print(pool.map(count_rows, ["users", "orders"]))
