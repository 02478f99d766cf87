import multiprocessing


def query_shard(args):
    return args


def query_shards(shards, query, parallel):
    args = zip([query] * len(shards), shards)
    if parallel > 1:
        pool = multiprocessing.Pool(parallel)
        result = pool.imap(query_shard, args)
    else:
        pool = None
        result = map(query_shard, args)
    return pool, result
