from concurrent.futures import ThreadPoolExecutor
import threading

results = []
lock = threading.Lock()

def fetch(url):
    with lock:
        results.append(len(url))

if __name__ == "__main__":
    with ThreadPoolExecutor(8) as ex:
        list(ex.map(fetch, ["a", "bb"]))
    print(results)
