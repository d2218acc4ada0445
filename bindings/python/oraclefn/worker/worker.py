"""The worker: answers one invocation's envelope by running its calls, one after the other, as docs/protocol.md says.

A detached call's status is written as soon as the call has ended (after its stored output), so the client sees
progress call by call; a sync envelope is answered with every status.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import time
import traceback
from typing import Any, Callable, Mapping

from . import execute, protocol
from .storage import Bucket, Buckets, StorageError


class Worker:
    """One per worker process: keeps the job functions it unpickled and its Object Storage clients."""

    def __init__(self, buckets: Buckets | None = None, clock: Callable[[], float] = time.time, host: str | None = None,
                 pid: int | None = None, environ: Mapping[str, str] = os.environ) -> None:
        self._buckets = buckets or Buckets()
        self._environ = environ
        self._functions = execute.FunctionCache()
        self._clock = clock
        self._host = host or socket.gethostname()
        self._pid = pid or os.getpid()
        self._answered = 0

    def answer(self, body: bytes, fn_call_id: str) -> tuple[int, bytes]:
        """(HTTP status for the FDK, response body) for one invocation."""
        received = self._clock()
        cold = self._answered == 0
        self._answered += 1
        try:
            request = protocol.parse_request(body)
            if protocol.is_metadata_request(request):
                return 200, json.dumps(protocol.metadata(_python_version(), _package_version())).encode()
            name = protocol.hello_name(request)
            if name is not None:
                print(f"hello: greeting {name} for call {fn_call_id}", flush=True)  # to the function's logs
                return 200, json.dumps(protocol.greeting(name, self._environ, self._host, self._pid)).encode()
            envelope = protocol.check_envelope(request)
        except protocol.EnvelopeError as error:
            return 502, f"oraclefn worker: {error}".encode()
        worker = {"fn_call_id": fn_call_id, "host": self._host, "pid": self._pid, "cold": cold}
        try:
            bucket = self._buckets.open(envelope["storage"]) if envelope.get("storage") else None
        except StorageError as error:
            return 502, f"oraclefn worker: cannot reach the job's storage: {error}".encode()
        statuses: list[dict[str, Any]] = []
        for position, call in enumerate(envelope["calls"]):
            if self._ran_before(envelope, call, bucket):
                continue
            started = received if position == 0 else self._clock()
            entry = self._run(envelope, call, bucket, worker, started)
            if envelope["mode"] == "detached":
                try:
                    self._write(bucket, protocol.status_name(envelope["storage"]["prefix"], call["call_id"]),
                                json.dumps(entry, separators=(",", ":")).encode())
                except StorageError as error:
                    return 502, f"oraclefn worker: cannot write the status of call {call['call_id']}: {error}".encode()
            statuses.append(entry)
        if envelope["mode"] == "detached":
            return 200, json.dumps({"oraclefn": protocol.VERSION, "calls": len(statuses)}).encode()
        answer = protocol.sync_answer(envelope, self._fit_sync_answer(envelope, statuses, bucket))
        return 200, json.dumps(answer, separators=(",", ":")).encode()

    @staticmethod
    def _ran_before(envelope: dict[str, Any], call: dict[str, Any], bucket: Bucket | None) -> bool:
        """Whether an earlier invocation ran this detached call to its end: its status exists. Only a later send
        asks; a check that fails runs the call, as the engine counts a call once."""
        if envelope["mode"] != "detached" or envelope.get("attempt", 1) <= 1 or bucket is None:
            return False
        try:
            return bucket.exists(protocol.status_name(envelope["storage"]["prefix"], call["call_id"]))
        except StorageError:
            return False

    def _run(self, envelope: dict[str, Any], call: dict[str, Any], bucket: Bucket | None, worker: dict[str, Any],
             started: float) -> dict[str, Any]:
        timings: dict[str, Any] = {"worker_start": started}

        def ended(**fields: Any) -> dict[str, Any]:
            timings["worker_end"] = self._clock()
            return protocol.status(envelope, call["call_id"], timings=timings, worker=worker, **fields)

        if envelope["oraclefn"] != protocol.VERSION:
            return ended(error=protocol.error(
                "ProtocolVersion",
                f"this worker speaks job protocol version {protocol.VERSION}, not {envelope['oraclefn']}"))
        try:
            data = self._input(call["input"], bucket)
        except (StorageError, ValueError, KeyError, TypeError) as error:
            return ended(error=protocol.error("InputUnavailable", f"cannot read the input of call {call['call_id']}: {error}"))
        try:
            run = execute.run(data, self._functions, lambda name: self._read(bucket, name), clock=self._clock,
                              call_id=call["call_id"], job_id=envelope["job_id"],
                              timeout=envelope.get("execution_timeout"))
        except Exception as error:  # a defect of the worker itself: the call fails, the worker lives on
            return ended(error=protocol.error("WorkerError", f"the worker failed running the call: {error}",
                                              traceback.format_exc()))
        timings["function_start"], timings["function_end"] = run.function_start, run.function_end
        logs = protocol.truncate_logs(run.logs) if run.logs else None
        if run.error is not None:
            return ended(error=run.error, logs=logs)
        output = protocol.inline(run.output)
        if envelope["mode"] == "detached" and len(run.output) > envelope.get("output_inline_limit", 0):
            name = protocol.output_name(envelope["storage"]["prefix"], call["call_id"])
            try:
                self._write(bucket, name, run.output)
            except StorageError as error:
                return ended(error=protocol.error("OutputUnavailable", f"cannot store the output of "
                                                                       f"{len(run.output)} bytes: {error}"), logs=logs)
            output = protocol.stored(name, len(run.output))
        return ended(output=output, logs=logs)

    @staticmethod
    def _input(payload: dict[str, Any], bucket: Bucket | None) -> bytes:
        if "inline" in payload:
            return protocol.decode_inline(payload)
        return Worker._read(bucket, payload["object"], payload.get("offset"), payload.get("size"))

    @staticmethod
    def _read(bucket: Bucket | None, name: str, offset: int | None = None, size: int | None = None) -> bytes:
        if bucket is None:
            raise StorageError(f"the envelope gives no storage to read {name} from")
        return bucket.get(name, offset, size)

    @staticmethod
    def _write(bucket: Bucket | None, name: str, data: bytes) -> None:
        if bucket is None:
            raise StorageError(f"the envelope gives no storage to write {name} to")
        bucket.put(name, data)

    def _fit_sync_answer(self, envelope: dict[str, Any], statuses: list[dict[str, Any]],
                         bucket: Bucket | None) -> list[dict[str, Any]]:
        """Statuses whose inline outputs fit in Oracle's 6 MB response: the rest are stored when the envelope
        gives storage, and fail otherwise."""
        budget = protocol.INVOKE_BODY_LIMIT - protocol.SYNC_ANSWER_OVERHEAD
        fitted: list[dict[str, Any]] = []
        for entry in statuses:
            size = protocol.encoded_size(entry)
            if size <= budget or not (entry["ok"] and entry["output"] and "inline" in entry["output"]):
                budget -= size
                fitted.append(entry)
                continue
            data = protocol.decode_inline(entry["output"])
            if bucket is None:
                entry = dict(entry, ok=False, output=None, error=protocol.error(
                    "OutputTooLarge", f"the output of {len(data)} bytes does not fit in the 6 MB sync answer and the "
                                      "job gives no storage; give the job a bucket or run it detached"))
            else:
                name = protocol.output_name(envelope["storage"]["prefix"], entry["call_id"])
                try:
                    bucket.put(name, data)
                    entry = dict(entry, output=protocol.stored(name, len(data)))
                except StorageError as error:
                    entry = dict(entry, ok=False, output=None, error=protocol.error(
                        "OutputUnavailable", f"cannot store the output of {len(data)} bytes: {error}"))
            if not entry["ok"]:
                del entry["output"]
            budget -= protocol.encoded_size(entry)
            fitted.append(entry)
        return fitted


def _python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def _package_version() -> str | None:
    """The version of the oraclefn the worker comes from: the installed package's, or in a runtime image the one
    that wrote its build context; None when neither says."""
    version: str | None = getattr(sys.modules.get("oraclefn"), "__version__", None)
    return version
