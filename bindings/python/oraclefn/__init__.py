"""oraclefn: Lithops-style map jobs on Oracle Cloud Functions.

The engine lives in liboraclefn.so; this package drives it through ctypes. The library is loaded on first
use of a name that needs it, so the worker (oraclefn.worker), which runs inside a function's image without
the library, imports this package freely.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    AuthError, CallFailedError, CallTimeoutError, CancelledError, ConfigError, ConflictError, FunctionError,
    InvalidArgumentError, KeyFileError, NetworkError, NotFoundError, OracleFnError, PayloadTooLargeError, PendingError,
    ServiceError, SigningError, StorageNoSuchKeyError, ThrottledError, UnpicklableError,
)

# name -> module that defines it; each module is imported (and the library loaded) on first access
_LAZY = {
    "CallInfo": "engine", "Engine": "engine", "Job": "engine",
    "Config": "config", "load_config": "config", "locate_config": "config", "parse_config": "config",
    "Signer": "signer", "Storage": "storage", "Functions": "functions", "FunctionExecutor": "executor",
    "ALL_COMPLETED": "futures", "ALWAYS": "futures", "ANY_COMPLETED": "futures", "FuturesList": "futures",
    "RemoteTraceback": "futures", "ResponseFuture": "futures", "wait": "futures", "get_result": "futures",
    "library_path": "_lib", "hello": "hello", "LogFollower": "logs",
    "CloudObject": "worker.objects", "CloudObjectUrl": "worker.objects", "create_partitions": "partitioner",
}


if TYPE_CHECKING:  # what the lazy names are, for type checkers (at run time __getattr__ imports them)
    from ._lib import path as library_path
    from .config import Config, load_config, locate_config, parse_config
    from .engine import CallInfo, Engine, Job
    from .executor import FunctionExecutor
    from .functions import Functions
    from .futures import ALL_COMPLETED, ALWAYS, ANY_COMPLETED, FuturesList, RemoteTraceback, ResponseFuture, \
        get_result, wait
    from .hello import hello
    from .logs import LogFollower
    from .partitioner import create_partitions
    from .signer import Signer
    from .storage import Storage
    from .worker.objects import CloudObject, CloudObjectUrl

#: The version of this package and of the library it is built with (OFN_VERSION in the C header); read without
#: loading the library, so the worker and tools can report it anywhere.
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module("." + _LAZY[name], __name__)
        value = getattr(module, "path" if name == "library_path" else name)
    else:
        raise AttributeError("module 'oraclefn' has no attribute %r" % name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_LAZY))


# a literal list, sorted, so that type checkers see what `from oraclefn import *` gives
__all__ = [
    "ALL_COMPLETED", "ALWAYS", "ANY_COMPLETED", "AuthError", "CallFailedError", "CallInfo", "CallTimeoutError",
    "CancelledError", "CloudObject", "CloudObjectUrl", "Config", "ConfigError", "ConflictError", "Engine",
    "FunctionError", "FunctionExecutor", "Functions", "FuturesList", "InvalidArgumentError", "Job", "KeyFileError",
    "LogFollower", "NetworkError", "NotFoundError", "OracleFnError", "PayloadTooLargeError", "PendingError",
    "RemoteTraceback", "ResponseFuture", "ServiceError", "Signer", "SigningError", "Storage",
    "StorageNoSuchKeyError", "ThrottledError", "UnpicklableError", "create_partitions", "get_result", "hello",
    "library_path", "load_config", "locate_config", "parse_config", "wait",
]
