"""`python -m oraclefn.lithops script.py [args]` (or `-m module [args]`): runs a Lithops program on oraclefn,
unchanged: `import lithops` in it gives oraclefn's API (oraclefn.lithops.install())."""
from __future__ import annotations

import runpy
import sys
from typing import Sequence

USAGE = """usage: python -m oraclefn.lithops script.py [args ...]
       python -m oraclefn.lithops -m module [args ...]

Runs a Lithops program on oraclefn: its `import lithops` gives oraclefn's Lithops API. The configuration is
Lithops' (the file Lithops finds, or LITHOPS_CONFIG_FILE); with none at all, jobs run on the embedded emulator."""


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the program named by `argv` (default: this command's arguments) with `import lithops` giving
    oraclefn's API; the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    import oraclefn.lithops

    oraclefn.lithops.install()
    if argv[0] == "-m":
        if len(argv) < 2:
            print(USAGE, file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(argv[0])))
        runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
