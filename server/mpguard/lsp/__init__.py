"""The mpguard language server: ``mpguard server`` / ``python -m mpguard.lsp``.

See :mod:`mpguard.lsp.server` for the design and ``docs/editors.md`` for editor setup.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    from mpguard.lsp.server import main as _main

    return _main(argv)
