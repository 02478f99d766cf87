"""The Python version the analysed code targets.

Until `target-version` is configured (`[tool.mpguard] target-version = "py314"`), the running
interpreter stands in for it. Rules ask `target_version(config)` and nothing else, so the
configured value replaces this default in one place.
"""

from __future__ import annotations

import re
import sys

from mpguard.config import Config

_PY = re.compile(r"^py3(\d{2})$")


def target_version(config: Config) -> tuple[int, int]:
    """(3, minor) of the configured `target-version`, else of the running interpreter."""
    configured = getattr(config, "target_version", None)
    if isinstance(configured, tuple) and len(configured) >= 2:
        return int(configured[0]), int(configured[1])
    if isinstance(configured, str):
        match = _PY.match(configured)
        if match:
            return 3, int(match.group(1))
    return sys.version_info[0], sys.version_info[1]
