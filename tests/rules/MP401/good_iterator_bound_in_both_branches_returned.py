import multiprocessing


def query_shard(args):
    return args


def query_shards(shards, parallel):
    if parallel > 1:
        pool = multiprocessing.Pool(parallel)
        result = pool.imap(query_shard, shards)
    else:
        pool = None
        result = map(query_shard, shards)
    return pool, result
