import sys

# `python -m mpguard.lsp` put the current directory first on sys.path (see mpguard.isolation).
from mpguard.isolation import drop_cwd_from_sys_path

drop_cwd_from_sys_path()

from mpguard.lsp.server import main  # noqa: E402 - after the sys.path clean-up, on purpose

raise SystemExit(main(sys.argv[1:]))
