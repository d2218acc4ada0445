"""Map jobs: one function over many inputs, run by the engine in liboraclefn.so."""
from __future__ import annotations

import ctypes
import json
import os
import sys
import threading
from typing import Any, Callable, Iterable, Mapping

from . import _lib, errors
from .config import Config, load_config

_OPTION_NAMES = ("mode", "format", "max_workers", "chunksize", "call_timeout", "execution_timeout", "at_least_once",
                 "retries", "throttle_retries", "bucket", "jobs_prefix")


def _options_json(options: Mapping[str, Any]) -> bytes | None:
    unknown = sorted(set(options) - set(_OPTION_NAMES))
    if unknown:
        raise TypeError("unknown option(s) %s; the options are %s" % (", ".join(unknown), ", ".join(_OPTION_NAMES)))
    given = {k: v for k, v in options.items() if v is not None}
    return json.dumps(given).encode("utf-8") if given else None


#: progress(done, failed, total), called on a library thread as calls end.
Progress = Callable[[int, int, int], object]


class _EngineHandle(_lib.Handle):
    _free = _lib.lib.ofn_engine_free


class _JobHandle(_lib.Handle):
    _free = _lib.lib.ofn_job_free


class _HybridMethod:
    """A method that works on the class (with a default engine) and on an instance."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def __get__(self, obj: Engine | None, cls: type[Engine]) -> Callable[..., Any]:
        def bound(*args: Any, **kwargs: Any) -> Any:
            return self.func(obj if obj is not None else cls(), *args, **kwargs)
        bound.__doc__ = self.func.__doc__
        return bound


class Engine(_lib.HandleOwner):
    """Runs map jobs for a configuration (a Config, a path, or None for the
    usual one). One engine serves any number of jobs from any threads."""

    def __init__(self, config: Config | str | os.PathLike[str] | None = None) -> None:
        if not isinstance(config, Config):
            config = load_config(config)
        self.config = config
        raw = ctypes.c_void_p()
        _lib.lib.ofn_engine_new(ctypes.byref(raw), config.session.raw)
        self._handle = _EngineHandle(raw.value)

    def map(self, function: str, inputs: Iterable[str | bytes], progress: Progress | None = None,
            **options: Any) -> Job:
        """Starts `function` (a function OCID or a deployed function's name)
        over `inputs` (bytes or str each) and returns the Job at once.

        Options: mode ("detached" or "sync"), format ("envelope" or "raw"),
        max_workers, chunksize, call_timeout (seconds), execution_timeout
        (seconds a call may run before its worker stops it), at_least_once
        (send a call again while an earlier invocation of it may still run),
        retries, throttle_retries, bucket, jobs_prefix. `progress(done, failed, total)`
        is called on a library thread as calls end."""
        data = [x.encode("utf-8") if isinstance(x, str) else bytes(x) for x in inputs]
        array = (_lib.Bytes * len(data))()
        for i, item in enumerate(data):
            array[i].ptr = ctypes.cast(ctypes.c_char_p(item), ctypes.c_void_p) if item else None
            array[i].size = len(item)
        callback = _progress_callback(progress)
        raw = ctypes.c_void_p()
        _lib.lib.ofn_job_submit(
            ctypes.byref(raw), self._handle.raw, _lib.encode(function, "function"), array, len(data),
            _options_json(options), callback, None)
        return Job(_JobHandle(raw.value), callback)

    @_HybridMethod
    def attach(self, job_id: str, progress: Progress | None = None, **options: Any) -> Job:
        """Collects a detached job, perhaps started by another process, by its
        id. Works on the class too: Engine.attach(job_id) uses the usual
        configuration."""
        callback = _progress_callback(progress)
        raw = ctypes.c_void_p()
        _lib.lib.ofn_job_attach(ctypes.byref(raw), self._handle.raw, _lib.encode(job_id, "job_id"),
                                _options_json(options), callback, None)
        return Job(_JobHandle(raw.value), callback)

    def hello(self, names: Iterable[str] | None = None, python: str | None = None) -> dict[str, Any]:
        """Greets `names` (default: world, Lithops, Oracle Functions) through
        the engine, as `oraclefn hello` does: in the runtime oracle_f.runtime
        (else the default Python runtime of `python`, default this Python's
        version) when it is deployed; on an emulator without one, through its
        hello function. Returns the report: "greetings" in the order of the
        names, "function", "function_id", "endpoint", "seconds" and, for a
        runtime, "runtime". NotFoundError on Oracle Functions when the runtime
        is not deployed; CallFailedError when a call did not greet (its
        `report` attribute holds the report)."""
        options: dict[str, Any] = {"python": python or "%d.%d" % sys.version_info[:2]}
        if names is not None:
            options["names"] = list(names)
        buf = _lib.Buf()
        _lib.lib.ofn_hello(ctypes.byref(buf), self._handle.raw, json.dumps(options).encode("utf-8"))
        report: dict[str, Any] = json.loads(buf.take().decode("utf-8"))
        if report["failures"]:
            total = len(report["failures"]) + len(report["greetings"])
            failed = errors.CallFailedError(f"{len(report['failures'])} of {total} hello calls failed: "
                                            + "; ".join(report["failures"]))
            failed.report = report
            raise failed
        return report


def _progress_callback(progress: Progress | None) -> Any:
    if progress is None:
        return _lib.PROGRESS_FN()
    if not callable(progress):
        raise TypeError("progress must be callable as progress(done, failed, total)")
    return _lib.PROGRESS_FN(lambda _ud, done, failed, total: progress(done, failed, total))


class CallInfo:
    """One call's details: ok, error, failure, attempts, timings, logs."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.__dict__.update(data)

    def __repr__(self) -> str:
        return "CallInfo(%r)" % (self.__dict__,)


class Job(_lib.HandleOwner):
    """A running map job. Every method may be used from any thread."""

    def __init__(self, handle: _lib.Handle, callback: Any) -> None:
        self._handle = handle
        self._callback = callback  # kept alive while the library may call it
        buf = _lib.Buf()
        _lib.lib.ofn_job_id(ctypes.byref(buf), handle.raw)
        self.id = buf.take().decode("ascii")
        self._results: list[bytes | errors.OracleFnError] | None = None
        self._lock = threading.Lock()

    def wait(self, timeout: float | None = None) -> bool:
        """Waits until every call has ended; True when it has, False when
        `timeout` seconds passed first."""
        ms = -1 if timeout is None else max(0, int(timeout * 1000))
        try:
            _lib.lib.ofn_job_wait(self._handle.raw, ms)
        except errors.CallTimeoutError:
            return False
        return True

    @property
    def done(self) -> bool:
        """Whether every call has ended."""
        return self.wait(0)

    @property
    def progress(self) -> tuple[int, int, int]:
        """(done, failed, total) at this moment."""
        done, failed, total = ctypes.c_ssize_t(), ctypes.c_ssize_t(), ctypes.c_ssize_t()
        _lib.lib.ofn_job_progress(ctypes.byref(done), ctypes.byref(failed), ctypes.byref(total), self._handle.raw)
        return done.value, failed.value, total.value

    def results(self, timeout: float | None = None) -> list[bytes | errors.OracleFnError]:
        """Every call's result in input order, waiting for the job first: the
        output bytes, or for a call without one the exception saying why
        (FunctionError when the function raised, CallFailedError when the call
        got no result, cancelled ones included). Raises TimeoutError when
        `timeout` passes first, and the job's own error when it could not run
        at all."""
        with self._lock:
            if self._results is not None:
                return list(self._results)
        if not self.wait(timeout):
            raise errors.CallTimeoutError("the job %s has not finished after %s s" % (self.id, timeout))
        try:
            _lib.lib.ofn_job_error(self._handle.raw)
        except errors.CancelledError:
            pass  # each call says whether it ended before the cancellation
        _, _, total = self.progress
        out = [self.result(i) for i in range(total)]
        with self._lock:
            self._results = out
        return list(out)

    def result(self, index: int) -> bytes | errors.OracleFnError:
        """Call `index`'s output as soon as that call has ended, or for a call
        without one the exception saying why (FunctionError, CallFailedError).
        Raises PendingError while the call runs."""
        buf = _lib.Buf()
        try:
            _lib.lib.ofn_job_result(ctypes.byref(buf), self._handle.raw, index)
        except (errors.FunctionError, errors.CallFailedError) as e:
            return e
        return buf.take()

    def call(self, index: int) -> CallInfo:
        """The details of call `index` once it has ended (PendingError before)."""
        buf = _lib.Buf()
        _lib.lib.ofn_job_call_json(ctypes.byref(buf), self._handle.raw, index)
        return CallInfo(json.loads(buf.take().decode("utf-8")))

    @property
    def stats(self) -> dict[str, Any]:
        """The job's counters (invocations, retries, bytes, ...) at this moment, as the engine keeps them."""
        buf = _lib.Buf()
        _lib.lib.ofn_job_stats_json(ctypes.byref(buf), self._handle.raw)
        stats: dict[str, Any] = json.loads(buf.take().decode("utf-8"))
        return stats

    def cancel(self) -> None:
        """Stops the job; calls not ended yet end as cancelled."""
        _lib.lib.ofn_job_cancel(self._handle.raw)
