"""`hello`: a few greetings through the engine, as `lithops hello` and `oraclefn hello` check a set-up."""
from __future__ import annotations

import os
from typing import Any, Iterable, Mapping

from .config import Config
from .engine import Engine
from .executor import _resolve_config


def hello(config: Config | Mapping[str, Any] | None = None, config_file: str | os.PathLike[str] | None = None,
          names: Iterable[str] | None = None) -> dict[str, Any]:
    """Greets `names` (default: world, Lithops, Oracle Functions) through the engine and returns the report
    (Engine.hello): in the configured runtime when it is deployed, else on an emulator its hello function. With
    no configuration given or found, on the embedded emulator, as FunctionExecutor() runs.

    >>> oraclefn.hello()["greetings"][0]
    'Hello, world! Ran in function hello (ocid1.fnfunc...), application oraclefn-hello, 128 MB, host ..., process ...'
    """
    config, _, _ = _resolve_config(config, config_file, {})
    with Engine(config) as engine:
        return engine.hello(names=names)
