"""The exceptions oraclefn raises: one hierarchy under OracleFnError.

Each carries the library's message and, when a service answered, the HTTP
status, the OCI error code and the opc-request-id to quote to Oracle support.
"""
import builtins


class OracleFnError(Exception):
    """Base of every oraclefn error."""

    status = -1

    def __init__(self, message, code="", http_status=0, opc_request_id=""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.opc_request_id = opc_request_id

    def __reduce__(self):  # every field survives pickling (a future's outcome travels with it)
        return type(self), (self.message, self.code, self.http_status, self.opc_request_id)


class InvalidArgumentError(OracleFnError, ValueError):
    status = -2


class ConfigError(OracleFnError):
    """The configuration is missing, malformed or invalid."""
    status = -3


class KeyFileError(ConfigError):
    """The private key cannot be read, decrypted or used."""
    status = -4


class SigningError(OracleFnError):
    status = -5


class AuthError(OracleFnError):
    status = -6


class NotFoundError(OracleFnError, KeyError):
    status = -7

    def __str__(self):  # KeyError would quote the message
        return self.message


class StorageNoSuchKeyError(NotFoundError):
    """An object (or the bucket it would be in) does not exist: Lithops' StorageNoSuchKeyError, raised where
    Lithops raises it (get_object, head_object, head_bucket, listing a missing bucket, ...).

    Built as Lithops builds it, `StorageNoSuchKeyError(bucket, key)`, with "No such key /bucket/key found in
    storage." as its message; when the service answered, its words, code, HTTP status and opc-request-id follow.
    It is a NotFoundError (so a KeyError) and depends on nothing of Lithops."""

    def __init__(self, bucket, key="", detail="", code="", http_status=404, opc_request_id=""):
        message = f"No such key /{bucket}/{key} found in storage."
        if detail:
            message = f"{message} {detail}"
        super().__init__(message, code, http_status, opc_request_id)
        self.bucket = bucket
        self.key = key
        self.detail = detail

    def __reduce__(self):  # Exception pickles its args, which are not this constructor's
        return type(self), (self.bucket, self.key, self.detail, self.code, self.http_status, self.opc_request_id)


class ConflictError(OracleFnError):
    status = -8


class ThrottledError(OracleFnError):
    status = -9


class ServiceError(OracleFnError):
    status = -10


class TimeoutError(OracleFnError, builtins.TimeoutError):
    status = -11


class NetworkError(OracleFnError, ConnectionError):
    status = -12


class CancelledError(OracleFnError):
    status = -13


class PayloadTooLargeError(OracleFnError):
    status = -14


class FunctionError(OracleFnError):
    """The function failed; for a call of a job, `code` is the error's type."""
    status = -15


class CallFailedError(OracleFnError):
    """A call of a job got no result: retries spent, lost, or cancelled."""
    status = -16


class PendingError(OracleFnError):
    """Not yet: the call asked about has not ended."""
    status = -17


class UnpicklableError(OracleFnError, TypeError):
    """A job's function, or one of its arguments, cannot be pickled to travel to Oracle Functions: the message
    names what, and why."""


_BY_STATUS = {cls.status: cls for cls in (
    InvalidArgumentError, ConfigError, KeyFileError, SigningError, AuthError, NotFoundError, ConflictError,
    ThrottledError, ServiceError, TimeoutError, NetworkError, CancelledError, PayloadTooLargeError, FunctionError,
    CallFailedError, PendingError)}


def from_status(status, message, code, http_status, opc_request_id):
    cls = _BY_STATUS.get(status, OracleFnError)
    return cls(message, code, http_status, opc_request_id)
