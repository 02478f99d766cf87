"""The file size above which mpguard does not analyse a file (CLI and language server).

Analysis cost grows with the text: a 5 MB generated module took 44 s and 2.8 GB in the CLI, and
held an editor's diagnostics for as long. Above the limit a file gets one notice instead: a
warning on stderr from ``mpguard check`` (``--force`` analyses it anyway), one information
diagnostic from the server. The limit is ``max-file-size-kb`` in ``[tool.mpguard]`` and the
``maxFileSizeKb`` editor setting (which overrides it); 0 turns it off. The hard read limit for
files on disk (``mpguard.sources.MAX_SOURCE_BYTES``) is separate and always applies.
"""

from __future__ import annotations

from typing import Optional

# 1 MiB, as Biome's `files.maxSize`: the biggest module of the standard library is 0.6 MB, and a
# file of this size is analysed in a few seconds within ~1 GB (docs/performance.md).
DEFAULT_MAX_FILE_SIZE_KB = 1024
# UTF-8 needs at most 4 bytes per character: a shorter text is under the limit without encoding it.
_MAX_UTF8_BYTES_PER_CHAR = 4


def size_over_limit(text: str, limit_kb: int) -> Optional[int]:
    """The UTF-8 size of `text` in bytes when it exceeds `limit_kb` (0: no limit), else None."""
    if limit_kb <= 0 or len(text) * _MAX_UTF8_BYTES_PER_CHAR <= limit_kb * 1024:
        return None
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit_kb * 1024 else None


def size_notice(size_bytes: int, limit_kb: int, setting: str) -> str:
    """One sentence (under 100 characters) saying why a file was not checked."""
    size_kb = -(-size_bytes // 1024)  # rounded up: never "2 kB, over the 2 kB limit"
    return f"File is {size_kb:,} kB, over the {limit_kb:,} kB limit ({setting}); not checked."
