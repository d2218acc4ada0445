"""oraclefn: Lithops-style map jobs on Oracle Cloud Functions.

The engine lives in liboraclefn.so; this package drives it through ctypes.
"""
from ._lib import lib as _lib_handle, path as library_path
from .engine import CallInfo, Engine, Job
from .config import Config, load_config, locate_config, parse_config
from .errors import (
    AuthError, CallFailedError, CancelledError, ConfigError, ConflictError, FunctionError, InvalidArgumentError, KeyFileError,
    NetworkError, NotFoundError, OracleFnError, PayloadTooLargeError, ServiceError, SigningError, ThrottledError,
    TimeoutError,
)
from .signer import Signer
from .storage import Storage
from .functions import Functions
from .executor import FunctionExecutor
from .futures import ALL_COMPLETED, ALWAYS, ANY_COMPLETED, FuturesList, RemoteTraceback, ResponseFuture

__version__ = _lib_handle.ofn_version().decode("ascii")

__all__ = [
    "ALL_COMPLETED", "ALWAYS", "ANY_COMPLETED", "FunctionExecutor", "FuturesList", "RemoteTraceback", "ResponseFuture",
    "AuthError", "CallFailedError", "CallInfo", "CancelledError", "Engine", "Job", "Config", "ConfigError", "ConflictError", "FunctionError", "Functions", "InvalidArgumentError",
    "KeyFileError", "NetworkError", "NotFoundError", "OracleFnError", "PayloadTooLargeError", "ServiceError",
    "Signer", "SigningError", "Storage", "ThrottledError", "TimeoutError", "library_path", "load_config", "locate_config",
    "parse_config",
]
