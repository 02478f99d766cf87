# proof: MP210
# fails-with: it's not the same object as __main__.download
# expect-output: downloaded 3 files
"""Download in a background process while the main process waits."""
from multiprocessing import Process, Queue


def download(urls, done):
    done.put(len(urls))


if __name__ == "__main__":
    done = Queue()
    download = Process(target=download, args=(["a", "b", "c"], done))
    download.start()
    print("downloaded", done.get(), "files")
    download.join()
