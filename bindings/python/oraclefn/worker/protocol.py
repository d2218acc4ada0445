"""The job protocol (docs/protocol.md) as the worker sees it: envelopes in, status objects and answers out.

Pure functions over dicts and bytes; nothing here touches the network.
"""
from __future__ import annotations

import base64
import json
from typing import Any, Mapping

VERSION = 1
#: Oracle's limit on an invocation's response body.
INVOKE_BODY_LIMIT = 6 * 1024 * 1024
#: A call's captured output is cut to this many bytes in its status.
LOG_LIMIT = 64 * 1024
#: Room kept in a sync answer for everything but the outputs (ids, timings, logs are counted per status).
SYNC_ANSWER_OVERHEAD = 4096


class EnvelopeError(ValueError):
    """The request body is not an envelope this worker can run."""


def parse_request(body: bytes | str) -> dict[str, Any]:
    """The JSON object in a request body: an envelope, or a runtime metadata request."""
    try:
        request: Any = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EnvelopeError(f"the body is not a job protocol envelope (JSON): {error}") from None
    if not isinstance(request, dict):
        raise EnvelopeError("the body is not a job protocol envelope: expected a JSON object")
    return request


def is_metadata_request(request: Mapping[str, Any]) -> bool:
    """Whether the request asks for the runtime's metadata (docs/protocol.md, "Runtime metadata")."""
    return request.get("get_metadata") is True and "calls" not in request


def metadata(python_version: str, version: str | None) -> dict[str, Any]:
    """The answer to a runtime metadata request (docs/protocol.md, "Runtime metadata")."""
    return {"oraclefn": VERSION, "worker": "python", "python_version": python_version, "version": version}


def hello_name(request: Mapping[str, Any]) -> str | None:
    """The name of a hello request, `{"oraclefn": 1, "hello": NAME}` (docs/protocol.md, "Hello"), else None."""
    name = request.get("hello")
    return name if isinstance(name, str) and request.get("oraclefn") == VERSION and "calls" not in request else None


def greeting(name: str, environ: Mapping[str, str], host: str, pid: int) -> dict[str, Any]:
    """The answer to a hello request: the greeting and where it ran, as the platform describes the function."""
    place = (f"function {environ.get('FN_FN_NAME', '?')} ({environ.get('FN_FN_ID', '?')}), "
             f"application {environ.get('FN_APP_NAME', '?')}, {environ.get('FN_MEMORY', '?')} MB, "
             f"host {host}, process {pid}")
    return {"oraclefn": VERSION, "greeting": f"Hello, {name}! Ran in {place}."}


def check_envelope(envelope: dict[str, Any]) -> dict[str, Any]:
    """The envelope (a request that is not for metadata), checked for the fields the worker relies on."""
    for field, kind in (("oraclefn", int), ("job_id", str), ("mode", str), ("calls", list)):
        if not isinstance(envelope.get(field), kind):
            raise EnvelopeError(f"the envelope's \"{field}\" is missing or not a {kind.__name__}")
    if envelope["mode"] not in ("sync", "detached"):
        raise EnvelopeError(f"the envelope's mode is \"{envelope['mode']}\"; it must be \"sync\" or \"detached\"")
    storage = envelope.get("storage")
    if storage is not None:
        if not isinstance(storage, dict):
            raise EnvelopeError("the envelope's storage is not an object")
        for field in ("namespace", "bucket", "prefix"):
            if not isinstance(storage.get(field), str):
                raise EnvelopeError(f"the envelope's storage.{field} is missing or not a string")
    elif envelope["mode"] == "detached":
        raise EnvelopeError("a detached envelope must give the job's storage (namespace, bucket, prefix)")
    for call in envelope["calls"]:
        if not isinstance(call, dict) or not isinstance(call.get("call_id"), str) or not isinstance(call.get("input"), dict):
            raise EnvelopeError("each call of the envelope needs a \"call_id\" and an \"input\"")
    return envelope


def decode_inline(payload: Mapping[str, Any]) -> bytes:
    """The bytes of an inline payload."""
    return base64.b64decode(payload["inline"], validate=True)


def inline(data: bytes) -> dict[str, Any]:
    """An inline payload of `data`."""
    return {"inline": base64.b64encode(data).decode("ascii")}


def stored(name: str, size: int) -> dict[str, Any]:
    """A payload stored as the object `name`, of `size` bytes."""
    return {"object": name, "size": size}


def status_name(prefix: str, call_id: str) -> str:
    """The object a call's status is written to."""
    return f"{prefix}status/{call_id}.json"


def output_name(prefix: str, call_id: str) -> str:
    """The object a call's output is written to when it does not travel inline."""
    return f"{prefix}output/{call_id}"


def status(envelope: Mapping[str, Any], call_id: str, *, output: dict[str, Any] | None = None,
           error: dict[str, Any] | None = None, timings: dict[str, Any], worker: dict[str, Any],
           logs: str | None = None) -> dict[str, Any]:
    """A status object: `ok` with `output` (a payload, or None for nothing), or not `ok` with `error`."""
    entry: dict[str, Any] = {"oraclefn": VERSION, "job_id": envelope["job_id"], "call_id": call_id, "ok": error is None}
    if error is None:
        entry["output"] = output
    else:
        entry["error"] = error
    entry["timings"] = timings
    entry["worker"] = worker
    if logs:
        entry["logs"] = logs
    return entry


def error(kind: str, message: str, traceback: str | None = None, **extra: Any) -> dict[str, Any]:
    """A status's error object: its type, message, traceback and any other fields."""
    entry: dict[str, Any] = {"type": kind, "message": message}
    if traceback:
        entry["traceback"] = traceback
    entry.update(extra)
    return entry


def truncate_logs(text: str, limit: int = LOG_LIMIT) -> str:
    """The text, cut to at most `limit` UTF-8 bytes: its start and its end, with a line saying what was left out."""
    data = text.encode("utf-8", "replace")
    if len(data) <= limit:
        return text
    marker_room = 64
    half = (limit - marker_room) // 2
    head = data[:half].decode("utf-8", "ignore")
    tail = data[len(data) - half:].decode("utf-8", "ignore")
    return f"{head}\n... {len(data) - 2 * half} bytes of output left out ...\n{tail}"


def encoded_size(entry: object) -> int:
    """The bytes `entry` takes as compact JSON."""
    return len(json.dumps(entry, separators=(",", ":")).encode("utf-8"))


def sync_answer(envelope: Mapping[str, Any], statuses: list[dict[str, Any]]) -> dict[str, Any]:
    """The answer of a sync invocation: the statuses of its calls."""
    return {"oraclefn": VERSION, "job_id": envelope["job_id"], "results": statuses}
