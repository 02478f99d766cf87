# `python -m mpguard` put the current directory (often the repository being checked) first on
# sys.path: take it off before anything else is imported (see mpguard.isolation).
from mpguard.isolation import drop_cwd_from_sys_path

drop_cwd_from_sys_path()

from mpguard.cli import main  # noqa: E402 - after the sys.path clean-up, on purpose

raise SystemExit(main())
