"""Running one Python call: its function (cached per process), its arguments, its printed output."""
from __future__ import annotations

import base64
import collections
import contextlib
import hashlib
import io
import json
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from typing import Any, Callable, Iterator, Mapping, TextIO

from . import calls, inject

#: Functions kept unpickled in a hot worker, by digest.
CACHED_FUNCTIONS = 16


class FunctionCache:
    """Unpickled functions by the sha256 of their pickle, so a hot worker unpickles each job's function once."""

    def __init__(self, capacity: int = CACHED_FUNCTIONS) -> None:
        self._capacity = capacity
        self._functions: collections.OrderedDict[str, Callable[..., Any]] = collections.OrderedDict()

    def function(self, reference: Mapping[str, Any], read_object: Callable[[str], bytes]) -> Callable[..., Any]:
        """The function a reference names; `read_object(name)` fetches a stored one."""
        digest = reference["sha256"]
        if digest in self._functions:
            self._functions.move_to_end(digest)
            return self._functions[digest]
        if "pickle" in reference:
            pickled = reference["pickle"]
        elif "object" in reference:
            pickled = read_object(reference["object"])
        else:
            raise calls.NotAPythonCall("the function reference has neither \"pickle\" nor \"object\"")
        if hashlib.sha256(pickled).hexdigest() != digest:
            raise calls.NotAPythonCall(f"the pickled function does not match its sha256 {digest}")
        function: Callable[..., Any] = pickle.loads(pickled)
        self._functions[digest] = function
        if len(self._functions) > self._capacity:
            self._functions.popitem(last=False)
        return function


class Tee(io.TextIOBase):
    """A text stream that keeps what is written to it and passes it on to the real stream (the platform's logs)."""

    def __init__(self, stream: TextIO, kept: io.StringIO) -> None:
        self._stream = stream
        self._kept = kept

    def write(self, text: str) -> int:
        """Keeps `text` and writes it to the real stream."""
        self._kept.write(text)
        return self._stream.write(text)

    def flush(self) -> None:
        """Flushes the real stream."""
        self._stream.flush()

    def writable(self) -> bool:
        """True: a Tee is written to."""
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The real stream's encoding."""
        return getattr(self._stream, "encoding", "utf-8")


class CallRun:
    """How a call went: `output` (the pickled result; empty when the call failed) or `error` (a protocol error
    object), its printed output, and when the function started and ended."""

    def __init__(self, output: bytes = b"", error: dict[str, Any] | None = None, logs: str = "",
                 function_start: float | None = None, function_end: float | None = None) -> None:
        self.output = output
        self.error = error
        self.logs = logs
        self.function_start = function_start
        self.function_end = function_end


def run(data: bytes, functions: FunctionCache, read_object: Callable[[str], bytes],
        clock: Callable[[], float] = time.time, call_id: str | None = None, job_id: str | None = None,
        timeout: float | None = None) -> CallRun:
    """Runs the Python call encoded in `data`; never raises for anything the call does. `call_id` ("00003") is the
    call's place in its job: a function with an `id` parameter gets it as a number, as in Lithops. Past `timeout`
    seconds the call is stopped and fails with a TimeoutError."""
    try:
        reference, args, kwargs = calls.decode_call(data)
        function = functions.function(reference, read_object)
    except calls.NotAPythonCall as error:
        return CallRun(error={"type": "NotAPythonCall", "message": str(error)})
    except Exception as error:
        return CallRun(error=_describe(error, "FunctionUnavailable", skip_frames=0,
                                       prefix="cannot load the job's function: "))
    kept = io.StringIO()
    function_start = clock()
    job = reference.get("job")
    session = f"{job_id}-{call_id}" if job_id is not None and call_id is not None else None
    with contextlib.redirect_stdout(Tee(sys.stdout, kept)), contextlib.redirect_stderr(Tee(sys.stderr, kept)), \
            _job_environment(job, session):
        outcome: BaseException | None = None
        try:
            args, kwargs = inject.prepare(function, args, kwargs, _call_index(call_id), job)
            with _stopped_after(timeout):
                value = function(*args, **kwargs)
        except _Stopped:
            value, outcome = None, TimeoutError(f"the call ran past its execution timeout of {timeout:g} s and was "
                                                "stopped")
        except BaseException as raised:  # the user's SystemExit or KeyboardInterrupt ends the call, not the worker
            value, outcome = None, raised
    function_end = clock()
    if outcome is not None:
        return CallRun(error=_describe(outcome), logs=kept.getvalue(), function_start=function_start,
                       function_end=function_end)
    try:
        output = calls.encode_result(value)
    except Exception as error:
        return CallRun(error=_describe(error, "ResultNotPicklable", skip_frames=0,
                                       prefix=f"the function returned a {type(value).__name__} that cannot be "
                                              "pickled: "),
                       logs=kept.getvalue(), function_start=function_start, function_end=function_end)
    return CallRun(output=output, logs=kept.getvalue(), function_start=function_start, function_end=function_end)


class _Stopped(BaseException):
    """Raised into a call that ran past its execution timeout; a BaseException, so `except Exception` in the
    function does not swallow it."""


@contextlib.contextmanager
def _stopped_after(timeout: float | None) -> Iterator[None]:
    """Raises _Stopped into the code it wraps after `timeout` seconds, with SIGALRM: the FDK runs handlers on the
    main thread. Elsewhere (a worker run from a thread) the engine's call timeout is the only bound."""
    if not timeout or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise _Stopped()

    previous = signal.signal(signal.SIGALRM, stop)
    # a process may inherit SIGALRM blocked from whatever started it
    blocked = signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        signal.signal(signal.SIGALRM, previous)


def _call_index(call_id: str | None) -> int | str | None:
    try:
        return int(call_id) if call_id is not None else None
    except ValueError:
        return call_id


@contextlib.contextmanager
def _job_environment(job: dict[str, Any] | None, session: str | None = None) -> Iterator[None]:
    """While the function runs: the calling job in the environment, for the FunctionExecutor()s and Storage()s it
    makes, and the call as the session its cloudobjects are named after."""
    given = {calls.JOB_VARIABLE: json.dumps(job) if job is not None else None, calls.SESSION_VARIABLE: session}
    settings = {name: value for name, value in given.items() if value is not None}
    previous = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def type_name(exception: BaseException) -> str:
    """The exception's type as the client finds it again: its qualified name, with its module unless builtin."""
    kind = type(exception)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def _describe(exception: BaseException, kind: str | None = None, skip_frames: int = 1,
              prefix: str = "") -> dict[str, Any]:
    """The protocol error object for an exception: its type, message, remote traceback (without this module's
    frame) and, when it pickles, the exception itself for the client to raise again."""
    tb = exception.__traceback__
    for _ in range(skip_frames):
        tb = tb.tb_next if tb is not None else None
    described = {
        "type": kind or type_name(exception),
        "message": prefix + str(exception),
        "traceback": "".join(traceback.format_exception(type(exception), exception, tb)),
    }
    if kind is None:
        pickled = calls.encode_exception(exception)
        if pickled is not None:
            described["serialized"] = base64.b64encode(pickled).decode("ascii")
    return described
