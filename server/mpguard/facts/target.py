"""The Python version the analysed code targets, when the configuration says.

Rules ask `configured_target(config)` and nothing else, so the configured `target-version`
(`[tool.mpguard] target-version = "py314"`, default from `requires-python`) replaces this in one
place. None means not known: a version-dependent rule then assumes every supported version
(3.10 and later) may run the code, so its findings do not depend on the interpreter running
mpguard.
"""

from __future__ import annotations

import re
from typing import Optional

from mpguard.config import Config

_PY = re.compile(r"^py3(\d{2})$")


def configured_target(config: Config) -> Optional[tuple[int, int]]:
    """(3, minor) of the configured `target-version`, or None when none is configured."""
    configured = getattr(config, "target_version", None)
    if isinstance(configured, tuple) and len(configured) >= 2:
        return int(configured[0]), int(configured[1])
    if isinstance(configured, str):
        match = _PY.match(configured)
        if match:
            return 3, int(match.group(1))
    return None
