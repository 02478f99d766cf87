import asyncio
from concurrent.futures import ProcessPoolExecutor

async def render_all(docs):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor() as pool:
        jobs = [loop.run_in_executor(pool, lambda d=d: d.upper()) for d in docs]  # error: MP201 7:44
        return await asyncio.gather(*jobs)
