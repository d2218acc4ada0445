"""`python -m oraclefn.worker`: serves the worker through the real fdk (FN_FORMAT=http-stream, FN_LISTENER)."""
from __future__ import annotations

import pathlib

import fdk
from fdk import customer_code


def main() -> None:
    """Serves the worker's handler through the fdk until the process is stopped."""
    fdk.handle(customer_code.Function(str(pathlib.Path(__file__).with_name("handler.py")), entrypoint="handler"))


if __name__ == "__main__":
    main()
