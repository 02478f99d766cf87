from concurrent.futures import ProcessPoolExecutor

def write_part(out, part):
    out.write(part)

def main(parts):
    with open("result.jsonl", "w") as out, ProcessPoolExecutor() as ex:
        for part in parts:
            ex.submit(write_part, out, part)  # error: MP203 9:35
