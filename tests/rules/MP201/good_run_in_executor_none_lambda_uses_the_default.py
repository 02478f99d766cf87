import asyncio
from concurrent.futures import ProcessPoolExecutor

def render(doc):
    return doc.upper()

async def main(doc):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, lambda: render(doc))
    with ProcessPoolExecutor() as pool:
        return await loop.run_in_executor(pool, render, doc)
