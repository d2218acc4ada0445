"""The exceptions oraclefn raises: one hierarchy under OracleFnError.

Each carries the library's message and, when a service answered, the HTTP
status, the OCI error code and the opc-request-id to quote to Oracle support.
"""
from __future__ import annotations

import builtins
from typing import Any


class OracleFnError(Exception):
    """Base of every oraclefn error."""

    status = -1

    def __init__(self, message: str, code: str = "", http_status: int = 0, opc_request_id: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.opc_request_id = opc_request_id

    # every field survives pickling (a future's outcome travels with it)
    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return type(self), (self.message, self.code, self.http_status, self.opc_request_id)


class InvalidArgumentError(OracleFnError, ValueError):
    """An argument is wrong (a bad value, a closed handle, a call index out of range); the message says which
    and how to fix it. It is a ValueError."""
    status = -2


class ConfigError(OracleFnError):
    """The configuration is missing, malformed or invalid."""
    status = -3


class KeyFileError(ConfigError):
    """The private key cannot be read, decrypted or used."""
    status = -4


class SigningError(OracleFnError):
    """A request could not be signed (the key or the request cannot be used)."""
    status = -5


class AuthError(OracleFnError):
    """The service refused the credentials (401/403): check the user, key, fingerprint and policies."""
    status = -6


class NotFoundError(OracleFnError, KeyError):
    """What was asked for does not exist (HTTP 404): an application, function, bucket or object. It is a
    KeyError."""
    status = -7

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class StorageNoSuchKeyError(NotFoundError):
    """An object (or the bucket it would be in) does not exist: Lithops' StorageNoSuchKeyError, raised where
    Lithops raises it (get_object, head_object, head_bucket, listing a missing bucket, ...).

    Built as Lithops builds it, `StorageNoSuchKeyError(bucket, key)`, with "No such key /bucket/key found in
    storage." as its message; when the service answered, its words, code, HTTP status and opc-request-id follow.
    It is a NotFoundError (so a KeyError) and depends on nothing of Lithops."""

    def __init__(self, bucket: str, key: str = "", detail: str = "", code: str = "", http_status: int = 404,
                 opc_request_id: str = "") -> None:
        message = f"No such key /{bucket}/{key} found in storage."
        if detail:
            message = f"{message} {detail}"
        super().__init__(message, code, http_status, opc_request_id)
        self.bucket = bucket
        self.key = key
        self.detail = detail

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:  # Exception pickles its args, which are not this constructor's
        return type(self), (self.bucket, self.key, self.detail, self.code, self.http_status, self.opc_request_id)


class ConflictError(OracleFnError):
    """The service refused the change because of the resource's state (HTTP 409 or 412)."""
    status = -8


class ThrottledError(OracleFnError):
    """The service is throttling requests (HTTP 429), and the retries were spent."""
    status = -9


class ServiceError(OracleFnError):
    """The service answered with an error not covered by another class (HTTP 5xx, say)."""
    status = -10


class CallTimeoutError(OracleFnError, builtins.TimeoutError):
    """Waiting ran out of time before the calls (or the job) ended; the calls go on. It is a TimeoutError, so
    `except TimeoutError` catches it, as it catches Lithops' wait timeout; named so that it does not hide the
    builtin on `from oraclefn import *`."""
    status = -11


class NetworkError(OracleFnError, ConnectionError):
    """The service could not be reached (DNS, connection, TLS). It is a ConnectionError."""
    status = -12


class CancelledError(OracleFnError):
    """The job or call was cancelled before it ended."""
    status = -13


class PayloadTooLargeError(OracleFnError):
    """A request or an input is larger than the service accepts (HTTP 413, or a call's 6 MB limit)."""
    status = -14


class FunctionError(OracleFnError):
    """The function failed; for a call of a job, `code` is the error's type."""
    status = -15


class CallFailedError(OracleFnError):
    """A call of a job got no result: retries spent, lost, or cancelled."""
    status = -16
    #: Engine.hello's report, when hello calls failed
    report: dict[str, Any] | None = None


class PendingError(OracleFnError):
    """Not yet: the call asked about has not ended."""
    status = -17


class UnpicklableError(OracleFnError, TypeError):
    """A job's function, or one of its arguments, cannot be pickled to travel to Oracle Functions: the message
    names what, and why."""


_BY_STATUS = {cls.status: cls for cls in (
    InvalidArgumentError, ConfigError, KeyFileError, SigningError, AuthError, NotFoundError, ConflictError,
    ThrottledError, ServiceError, CallTimeoutError, NetworkError, CancelledError, PayloadTooLargeError, FunctionError,
    CallFailedError, PendingError)}


def from_status(status: int, message: str, code: str, http_status: int, opc_request_id: str) -> OracleFnError:
    cls = _BY_STATUS.get(status, OracleFnError)
    return cls(message, code, http_status, opc_request_id)
