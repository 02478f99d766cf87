"""Reading and writing source files: PEP 263 encodings, BOMs, and notebooks' code cells."""

from __future__ import annotations

import io
import os
import stat
import tokenize
from pathlib import Path

# Larger files are reported, not read: a 10 MB generated module costs ~80 s and several GB to
# analyse, and a name like `x.py` may point at /dev/zero or a FIFO. The biggest file of the
# standard library is 0.6 MB.
MAX_SOURCE_BYTES = 5 * 1024 * 1024


class UnreadableSource(OSError):
    """A source path that is not read at all: not a regular file, or over the size limit. Its
    message is a sentence for the user."""


def read_source_bytes(path: Path, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. FIFOs, devices and sockets (also
    behind a symlink) are refused without blocking; OSError otherwise (UnreadableSource for those
    two refusals)."""
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableSource("Not a regular file (a FIFO, device or socket); not read")
        if info.st_size > limit:
            raise UnreadableSource(f"File is {info.st_size / 2**20:.1f} MB, over the "
                                   f"{limit / 2**20:g} MB limit; not read")
        chunks = []
        size = 0
        while True:  # st_size may be stale: never read more than the limit
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise UnreadableSource(f"File grew over the {limit / 2**20:g} MB limit; not read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def decode_source(data: bytes) -> tuple[str, str]:
    """(text, encoding) using the PEP 263 cookie or a BOM; raises SyntaxError/UnicodeDecodeError."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


# ---- notebooks (see mpguard.notebook for the cell mapping) ----------------------------------

def notebook_to_source(data: str) -> str:
    """The code cells of an .ipynb as one module; IPython magics and shell escapes become
    comments so that line numbers stay those of the cells."""
    from mpguard.notebook import NotebookSource

    return NotebookSource.from_ipynb(data).text


def read_notebook(path: Path):
    """The :class:`mpguard.notebook.NotebookSource` of an .ipynb file (ValueError when it is not
    notebook JSON)."""
    from mpguard.notebook import NotebookSource

    return NotebookSource.from_ipynb(read_source_bytes(path), str(path))


def read_python_source(path: Path) -> str:
    data = read_source_bytes(path)
    if path.suffix == ".ipynb":
        return notebook_to_source(data.decode("utf-8"))
    text, _ = decode_source(data)
    return text


def write_python_source(path: Path, text: str, analysed: str | None = None) -> None:
    """Write ``text`` into ``path`` in the file's own encoding (BOM kept), atomically, only if the
    file still holds ``analysed`` (default: whatever it holds now); raises OSError when skipped.
    `mpguard fix` uses :class:`mpguard.safe_write.FixWriter` directly (it also checks trees)."""
    from mpguard.safe_write import FixWriter

    if analysed is None:
        analysed = read_python_source(path)
    reason = FixWriter([str(path)]).write(str(path), analysed, text)
    if reason is not None:
        raise OSError(reason)
