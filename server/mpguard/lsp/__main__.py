import sys

from mpguard.lsp.server import main

raise SystemExit(main(sys.argv[1:]))
