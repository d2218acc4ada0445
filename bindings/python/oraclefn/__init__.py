"""oraclefn: Lithops-style map jobs on Oracle Cloud Functions.

The engine lives in liboraclefn.so; this package drives it through ctypes. The library is loaded on first
use of a name that needs it, so the worker (oraclefn.worker), which runs inside a function's image without
the library, imports this package freely.
"""
import importlib

from .errors import (
    AuthError, CallFailedError, CancelledError, ConfigError, ConflictError, FunctionError, InvalidArgumentError,
    KeyFileError, NetworkError, NotFoundError, OracleFnError, PayloadTooLargeError, PendingError, ServiceError,
    SigningError, ThrottledError, TimeoutError, UnpicklableError,
)

# name -> module that defines it; each module is imported (and the library loaded) on first access
_LAZY = {
    "CallInfo": "engine", "Engine": "engine", "Job": "engine",
    "Config": "config", "load_config": "config", "locate_config": "config", "parse_config": "config",
    "Signer": "signer", "Storage": "storage", "Functions": "functions", "FunctionExecutor": "executor",
    "ALL_COMPLETED": "futures", "ALWAYS": "futures", "ANY_COMPLETED": "futures", "FuturesList": "futures",
    "RemoteTraceback": "futures", "ResponseFuture": "futures", "wait": "futures", "get_result": "futures",
    "library_path": "_lib", "hello": "hello", "LogFollower": "logs",
}


def __getattr__(name):
    if name == "__version__":
        from ._lib import lib
        value = lib.ofn_version().decode("ascii")
    elif name in _LAZY:
        module = importlib.import_module("." + _LAZY[name], __name__)
        value = getattr(module, "path" if name == "library_path" else name)
    else:
        raise AttributeError("module 'oraclefn' has no attribute %r" % name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_LAZY) + ["__version__"])


__all__ = sorted([
    "AuthError", "CallFailedError", "CancelledError", "ConfigError", "ConflictError", "FunctionError",
    "InvalidArgumentError", "KeyFileError", "NetworkError", "NotFoundError", "OracleFnError", "PayloadTooLargeError",
    "PendingError", "ServiceError", "SigningError", "ThrottledError", "TimeoutError", "UnpicklableError", *_LAZY,
])
