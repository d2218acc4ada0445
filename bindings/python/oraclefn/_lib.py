"""Loading liboraclefn.so and declaring its functions for ctypes.

Every function that returns an ofn_status gets one errcheck that turns a
negative status into the matching OracleFnError subclass, read from the
library's thread-local last error on the calling thread.
"""
from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from . import errors

_HERE = Path(__file__).resolve().parent


def _candidates() -> Iterator[Path]:
    env = os.environ.get("ORACLEFN_LIBRARY")
    if env:
        yield Path(env)
        return
    yield _HERE / "liboraclefn.so"
    root = _HERE.parent.parent.parent
    for config in ("release", "debug"):
        yield root / ".build" / config / "liboraclefn.so"


def _load() -> tuple[ctypes.CDLL, Path]:
    tried = []
    for path in _candidates():
        tried.append(str(path))
        if path.is_file():
            # CDLL (not PyDLL): the GIL is released during calls, so library
            # threads can call back into Python.
            return ctypes.CDLL(str(path)), path
    raise ImportError(
        "liboraclefn.so not found (looked at: %s); build it with scripts/build.sh "
        "or point ORACLEFN_LIBRARY at it" % ", ".join(tried))


lib, path = _load()


class Buf(ctypes.Structure):
    """An ofn_buf: bytes the library allocated, which take() copies out and releases."""

    _fields_ = [("ptr", ctypes.c_void_p), ("size", ctypes.c_size_t)]

    def take(self) -> bytes:
        """The bytes, copied out; the library's copy is released."""
        try:
            return ctypes.string_at(self.ptr, self.size) if self.ptr else b""
        finally:
            lib.ofn_buf_dispose(ctypes.byref(self))


class ErrorRecord(ctypes.Structure):
    """An ofn_error: the last error of the calling thread."""

    _fields_ = [
        ("status", ctypes.c_int),
        ("http_status", ctypes.c_int32),
        ("message", ctypes.c_char_p),
        ("code", ctypes.c_char_p),
        ("opc_request_id", ctypes.c_char_p),
    ]


def _text(raw: bytes | None) -> str:
    return raw.decode("utf-8", "replace") if raw else ""


def _check(status: int, func: object, args: object) -> int:
    if status == 0:
        return status
    record = lib.ofn_error_last()
    if record:
        e = record.contents
        raise errors.from_status(status, _text(e.message), _text(e.code), e.http_status, _text(e.opc_request_id))
    raise errors.from_status(status, _text(lib.ofn_status_str(status)), "", 0, "")


_void_p = ctypes.c_void_p
_str = ctypes.c_char_p
_handle_out = ctypes.POINTER(ctypes.c_void_p)
_buf_out = ctypes.POINTER(Buf)


def _declare(name: str, argtypes: list[Any], restype: Any = ctypes.c_int, checked: bool = True) -> None:
    fn = getattr(lib, name)
    fn.argtypes = argtypes
    fn.restype = restype
    if checked:
        fn.errcheck = _check


_declare("ofn_version", [], _str, checked=False)
_declare("ofn_status_str", [ctypes.c_int], _str, checked=False)
_declare("ofn_error_last", [], ctypes.POINTER(ErrorRecord), checked=False)
_declare("ofn_error_clear", [], None, checked=False)
_declare("ofn_buf_dispose", [_buf_out], None, checked=False)

_declare("ofn_config_load", [_handle_out, _str, _str])
_declare("ofn_config_parse", [_handle_out, _str, _str])
_declare("ofn_config_to_json", [_buf_out, _void_p])
_declare("ofn_config_locate", [_buf_out])
_declare("ofn_config_free", [_void_p], None, checked=False)

_declare("ofn_session_new", [_handle_out, _void_p])
_declare("ofn_session_free", [_void_p], None, checked=False)

_declare("ofn_signer_new", [_handle_out, _str, _str, _str])
_declare("ofn_signer_from_config", [_handle_out, _void_p])
_declare("ofn_signer_sign", [_buf_out, _void_p, _str, _str, _str, _void_p, ctypes.c_ssize_t, ctypes.c_int32])
_declare("ofn_signer_free", [_void_p], None, checked=False)


class Bytes(ctypes.Structure):
    """An ofn_bytes: one input of a job, borrowed by the library for the call."""

    _fields_ = [("ptr", ctypes.c_void_p), ("size", ctypes.c_size_t)]


PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_ssize_t, ctypes.c_ssize_t)
_ssize_out = ctypes.POINTER(ctypes.c_ssize_t)

_declare("ofn_engine_new", [_handle_out, _void_p])
_declare("ofn_engine_free", [_void_p], None, checked=False)
_declare("ofn_job_submit", [_handle_out, _void_p, _str, ctypes.POINTER(Bytes), ctypes.c_ssize_t, _str, PROGRESS_FN,
                            _void_p])
_declare("ofn_job_attach", [_handle_out, _void_p, _str, _str, PROGRESS_FN, _void_p])
_declare("ofn_job_wait", [_void_p, ctypes.c_int64])
_declare("ofn_job_progress", [_ssize_out, _ssize_out, _ssize_out, _void_p])
_declare("ofn_job_id", [_buf_out, _void_p])
_declare("ofn_job_error", [_void_p])
_declare("ofn_job_result", [_buf_out, _void_p, ctypes.c_ssize_t])
_declare("ofn_job_call_json", [_buf_out, _void_p, ctypes.c_ssize_t])
_declare("ofn_job_stats_json", [_buf_out, _void_p])
_declare("ofn_job_cancel", [_void_p])
_declare("ofn_job_free", [_void_p], None, checked=False)

_declare("ofn_storage_new", [_handle_out, _void_p])
_declare("ofn_storage_free", [_void_p], None, checked=False)
_declare("ofn_storage_create_bucket", [_void_p, _str])
_declare("ofn_storage_put", [_void_p, _str, _str, _void_p, ctypes.c_ssize_t, _str])
_declare("ofn_storage_put_file", [_void_p, _str, _str, _str, _str])
_declare("ofn_storage_put_fd", [_void_p, _str, _str, ctypes.c_int32, _str])
_declare("ofn_storage_get", [_buf_out, _void_p, _str, _str, ctypes.c_int64, ctypes.c_int64])
_declare("ofn_storage_get_file", [_void_p, _str, _str, _str, ctypes.c_int64, ctypes.c_int64])
_declare("ofn_storage_get_fd", [_void_p, _str, _str, ctypes.c_int32, ctypes.c_int64, ctypes.c_int64])
_declare("ofn_storage_head", [_buf_out, _void_p, _str, _str])
_declare("ofn_storage_list", [_buf_out, _void_p, _str, _str, _str])
_declare("ofn_storage_delete", [_void_p, _str, _str])
_declare("ofn_storage_delete_many", [_void_p, _str, _str])
_declare("ofn_storage_namespace", [_buf_out, _void_p])

_declare("ofn_functions_new", [_handle_out, _void_p])
_declare("ofn_functions_free", [_void_p], None, checked=False)
_declare("ofn_functions_list_applications", [_buf_out, _void_p, _str])
_declare("ofn_functions_list_functions", [_buf_out, _void_p, _str])
_declare("ofn_functions_invoke", [_buf_out, _void_p, _str, _void_p, ctypes.c_ssize_t])
_declare("ofn_functions_invoke_detached", [_buf_out, _void_p, _str, _void_p, ctypes.c_ssize_t])
_declare("ofn_functions_is_emulator", [ctypes.POINTER(ctypes.c_int32), _void_p])
_declare("ofn_functions_ensure_application", [_buf_out, _void_p, _str])
_declare("ofn_functions_deploy_function", [_buf_out, _void_p, _str])

_declare("ofn_runtime_resolve", [_buf_out, _void_p, _str, _str])
_declare("ofn_runtime_deploy", [_buf_out, _void_p, _str, _str])
_declare("ofn_runtime_list", [_buf_out, _void_p])
_declare("ofn_runtime_delete", [_buf_out, _void_p, _str, _str])
_declare("ofn_hello", [_buf_out, _void_p, _str])

_declare("ofn_logs_open", [_handle_out, _void_p, _str])
_declare("ofn_logs_next", [_buf_out, _void_p])
_declare("ofn_logs_free", [_void_p], None, checked=False)


def encode(text: str | bytes | os.PathLike[str] | None, name: str) -> bytes | None:
    """A str argument as UTF-8 bytes for the library (None stays NULL)."""
    if text is None:
        return None
    if isinstance(text, os.PathLike):
        text = os.fspath(text)
    if isinstance(text, bytes):
        return text
    if not isinstance(text, str):
        raise TypeError("%s must be a str, not %s" % (name, type(text).__name__))
    return text.encode("utf-8")


class Handle:
    """Owns one library handle and frees it exactly once."""

    _free: Callable[[int], None] | None = None

    def __init__(self, raw: int | None) -> None:
        self._raw = raw

    @property
    def raw(self) -> int:
        if not self._raw:
            raise errors.InvalidArgumentError("this %s has been closed" % type(self).__name__)
        return self._raw

    def close(self) -> None:
        raw, self._raw = self._raw, None
        free = type(self)._free
        if raw and free is not None:
            free(raw)

    def __del__(self) -> None:
        self.close()


_Owner = TypeVar("_Owner", bound="HandleOwner")


class HandleOwner:
    """close() and `with` for the classes that own a library handle as `self._handle`."""

    _handle: Handle

    def close(self) -> None:
        self._handle.close()

    def __enter__(self: _Owner) -> _Owner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
