"""Reading and writing source files: PEP 263 encodings, BOMs, and notebooks' code cells."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path


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

    return NotebookSource.from_ipynb(path.read_bytes(), str(path))


def read_python_source(path: Path) -> str:
    data = path.read_bytes()
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
