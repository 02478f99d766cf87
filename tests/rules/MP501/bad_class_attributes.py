import multiprocessing

class Stats:
    seen = 0
    errors = []

def scan(line):
    Stats.seen += 1  # warning: MP501 8:5
    if "ERROR" in line:
        Stats.errors.append(line)  # warning: MP501 10:9
    return line

if __name__ == "__main__":
    with multiprocessing.Pool() as pool:
        pool.map(scan, open("app.log"))
    print(Stats.seen, len(Stats.errors))
