"""The `oraclefn` command of an installed wheel: runs the oraclefn tool bundled in the package.

The wheel carries the tool (`oraclefn-cli`) and the native handler its emulator runs (`oraclefn-fdk`, a script
that runs the tool's `fdk` command) beside liboraclefn.so; this replaces the Python process with the tool, so
its exit status, signals and terminal are the tool's own. The emulator's `oraclefn/python` image runs this
interpreter (it has the package, the fdk and cloudpickle) unless ORACLEFN_PYTHON names another.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def locate() -> str | None:
    """The tool: $ORACLEFN_CLI, else the one bundled beside this package's library."""
    if os.environ.get("ORACLEFN_CLI"):
        return os.environ["ORACLEFN_CLI"]
    bundled = _HERE / "oraclefn-cli"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    return None


def main() -> int:
    """Runs the bundled tool in place of this process (returns 1, saying why, when there is none)."""
    tool = locate()
    if tool is None:
        sys.stderr.write("oraclefn: the oraclefn tool is not bundled with this installation of the package (looked at "
                         f"$ORACLEFN_CLI and {_HERE / 'oraclefn-cli'}); install the oraclefn wheel, or build the tool "
                         "with scripts/build.sh\n")
        return 1
    os.environ.setdefault("ORACLEFN_PYTHON", sys.executable)
    os.execv(tool, ["oraclefn", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
