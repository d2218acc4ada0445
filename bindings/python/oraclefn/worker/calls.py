"""Python jobs: what a call's input and output bytes hold (docs/protocol.md, "Python jobs").

Shared by the client, which encodes calls and decodes results, and the worker, which does the reverse.
"""
from __future__ import annotations

import hashlib
import pickle
from typing import Any, Callable, Iterable, Mapping

import cloudpickle

#: The first element of every Python call's input.
TAG = "oraclefn.python/1"

#: Inside a function, the job that called it as JSON (`{"config": sections, "function": name}`), so that
#: FunctionExecutor() with no arguments runs nested jobs where its caller runs, as Lithops' LITHOPS_CONFIG does.
JOB_VARIABLE = "ORACLEFN_JOB"
#: Inside a function's call, "<job id>-<call id>": Storage.put_cloudobject names the objects it stores after it,
#: as Lithops names them after its session.
SESSION_VARIABLE = "ORACLEFN_SESSION_ID"


class NotAPythonCall(ValueError):
    """The input is not a Python call this worker can run."""


def pickle_function(function: Callable[..., Any]) -> bytes:
    """The function, cloudpickled once per job."""
    pickled: bytes = cloudpickle.dumps(function)
    return pickled


def inline_function(pickled: bytes, job: dict[str, Any] | None = None) -> dict[str, Any]:
    """A reference that carries the pickled function itself, and the job (see JOB_VARIABLE) when given."""
    return _with_job({"sha256": hashlib.sha256(pickled).hexdigest(), "pickle": pickled}, job)


def stored_function(name: str, pickled: bytes, job: dict[str, Any] | None = None) -> dict[str, Any]:
    """A reference to the pickled function stored in the job's bucket under `name`."""
    return _with_job({"sha256": hashlib.sha256(pickled).hexdigest(), "object": name, "size": len(pickled)}, job)


def _with_job(reference: dict[str, Any], job: dict[str, Any] | None) -> dict[str, Any]:
    if job is not None:
        reference["job"] = job
    return reference


def encode_call(function_reference: dict[str, Any], args: Iterable[Any], kwargs: Mapping[str, Any]) -> bytes:
    """A call's input: the function reference and the arguments it is called with."""
    encoded: bytes = cloudpickle.dumps((TAG, function_reference, tuple(args), dict(kwargs)))
    return encoded


def decode_call(data: bytes) -> tuple[dict[str, Any], tuple[Any, ...], dict[str, Any]]:
    """(function reference, args, kwargs) of a call's input."""
    try:
        decoded = pickle.loads(data)
    except Exception as error:
        raise NotAPythonCall(
            f"the input is not a Python call ({type(error).__name__}: {error}); a Python job's inputs are made by "
            "oraclefn.FunctionExecutor with the same Python version as this worker") from None
    if not (isinstance(decoded, tuple) and len(decoded) == 4 and decoded[0] == TAG):
        raise NotAPythonCall(f"the input is not a Python call: it does not start with the tag {TAG!r}")
    _, reference, args, kwargs = decoded
    if not isinstance(reference, dict) or not isinstance(reference.get("sha256"), str):
        raise NotAPythonCall("the Python call's function reference has no sha256")
    return reference, args, kwargs


def encode_result(value: object) -> bytes:
    """A call's value, pickled for its output."""
    encoded: bytes = cloudpickle.dumps(value)
    return encoded


def decode_result(data: bytes) -> Any:
    """A call's value from its output."""
    return pickle.loads(data)


def encode_exception(exception: BaseException) -> bytes | None:
    """The exception pickled, or None when it does not survive a round trip (the client then rebuilds it)."""
    try:
        data: bytes = cloudpickle.dumps(exception)
        pickle.loads(data)
    except Exception:
        return None
    return data
