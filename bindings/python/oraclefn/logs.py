"""The functions' logs, followed as `lithops logs poll` (and `oraclefn logs poll`) follow them."""
from __future__ import annotations

import ctypes
import json
import time
from typing import Any, Iterator

from . import _lib
from .storage import ConfigLike, as_config


class _LogsHandle(_lib.Handle):
    _free = _lib.lib.ofn_logs_free


class LogFollower(_lib.HandleOwner):
    """Reads the functions' log lines as they arrive: on an emulator from its log endpoint, on Oracle Functions
    from OCI Logging (oracle_f.log_group_id and log_id). `function` is an OCID or a function's name (default:
    every function); `since` an RFC 3339 time, epoch seconds or an age such as "30s", "10m", "2h", "1d".

    >>> with LogFollower(config, function="hello", since="1h") as logs:
    ...     for line in logs.next():
    ...         print(line["time"], line["callId"], line["message"])
    """

    def __init__(self, config: ConfigLike = None, function: str | None = None, since: str | float = "5m") -> None:
        config = as_config(config)
        options: dict[str, Any] = {"since": since}
        if function is not None:
            options["function"] = function
        raw = ctypes.c_void_p()
        _lib.lib.ofn_logs_open(ctypes.byref(raw), config.session.raw, json.dumps(options).encode("utf-8"))
        self._handle = _LogsHandle(raw.value)

    def next(self) -> list[dict[str, Any]]:
        """The lines written since the last read (since the start, first), oldest first: dicts with "time",
        "functionId", "callId", "stream" and "message". Empty when nothing is new."""
        buf = _lib.Buf()
        _lib.lib.ofn_logs_next(ctypes.byref(buf), self._handle.raw)
        lines: list[dict[str, Any]] = json.loads(buf.take().decode("utf-8"))
        return lines


def poll(config: ConfigLike = None, function: str | None = None, since: str | float = "5m", interval: float = 2.0,
         once: bool = False) -> Iterator[dict[str, Any]]:
    """Yields the functions' log lines as they arrive, polling every `interval` seconds, until the caller stops
    (or after the first read with `once`)."""
    with LogFollower(config, function, since) as logs:
        while True:
            yield from logs.next()
            if once:
                return
            time.sleep(interval)
