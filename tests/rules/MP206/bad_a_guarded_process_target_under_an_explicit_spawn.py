# mpguard-fixture: start-method=fork
import multiprocessing as mp
import logging

if __name__ == "__main__":
    # one log line per interval
    def heartbeat(interval):
        logging.info("alive every %s s", interval)

    mp.set_start_method("spawn")
    p = mp.Process(target=heartbeat, args=(5,))  # error: MP206 11:27
    p.start()
    p.join()
