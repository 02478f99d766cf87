"""Reading and writing source files: PEP 263 encodings, BOMs, and notebooks' code cells."""

from __future__ import annotations

import io
import json
import tokenize
from pathlib import Path


def decode_source(data: bytes) -> tuple[str, str]:
    """(text, encoding) using the PEP 263 cookie or a BOM; raises SyntaxError/UnicodeDecodeError."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    text = data.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding


def notebook_to_source(data: str) -> str:
    """The code cells of an .ipynb as one module; IPython magics and shell escapes become
    comments so that line numbers stay those of the cells."""
    nb = json.loads(data)
    chunks = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(src)
        lines = []
        for line in src.splitlines():
            stripped = line.lstrip()
            if stripped.startswith(("%", "!")):
                line = line[: len(line) - len(stripped)] + "# " + stripped
            lines.append(line)
        chunks.append("\n".join(lines))
    return "\n\n".join(chunks) + "\n"


def read_python_source(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".ipynb":
        return notebook_to_source(data.decode("utf-8"))
    text, _ = decode_source(data)
    return text


def write_python_source(path: Path, text: str) -> None:
    data = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    bom = data.startswith(b"\xef\xbb\xbf")
    out = text.encode("utf-8" if encoding == "utf-8-sig" else encoding)
    if bom and not out.startswith(b"\xef\xbb\xbf"):
        out = b"\xef\xbb\xbf" + out
    path.write_bytes(out)
