from multiprocessing.pool import ThreadPool

def ping(host):
    return host

def main(hosts):
    tp = ThreadPool(16)
    out = tp.map(ping, hosts)
    tp.close()
    tp.join()  # error: MP604 9:5
    return out
