# mpguard-eval: target-version=py314
"""Hash passwords in parallel with subinterpreters: pure-Python workers and plain data."""
import hashlib
from concurrent.futures import InterpreterPoolExecutor


def digest(password, salt):
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 10_000).hex()


def digests(passwords, salt=b"pepper"):
    with InterpreterPoolExecutor() as ex:
        futures = [ex.submit(digest, p, salt) for p in passwords]
        return [f.result() for f in futures]


if __name__ == "__main__":
    print(digests(["hunter2", "correct horse"]))
