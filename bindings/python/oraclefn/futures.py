"""Futures of Python calls, as Lithops hands them out: one per call, read in call order.

A future reads its call's outcome from the engine job that runs it (a `JobRun`), decodes the pickled result once,
and rebuilds the function's exception with its remote traceback. Futures pickle: a function can return the
futures of a job it started, and futures can be a job's input. A pickled future carries its call's outcome when
the call has ended, else what it takes to collect the call again from its job's bucket (`Engine.attach`).
"""
from __future__ import annotations

import base64
import builtins
import contextlib
import pickle
import threading
import time
import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence, Union, cast

from . import errors, progress
from .worker import calls

if TYPE_CHECKING:
    from .config import Config
    from .engine import CallInfo, Job
    from .executor import FunctionExecutor

#: wait(return_when=...): return at once, after the first call, after every call (or a percentage, 1 to 100).
ALWAYS = 0
ANY_COMPLETED = -1
ALL_COMPLETED = 100

#: Lithops' defaults for wait(threadpool_size=, wait_dur_sec=).
THREADPOOL_SIZE = 64
WAIT_DUR_SEC = 1
#: How long one round of waiting blocks on a call before the progress bar is redrawn.
WAIT_SLICE_SECONDS = 0.2


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a function, as the worker formatted it; the re-raised
    exception's cause."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return f'\n"""\n{self.text.rstrip()}\n"""'


class CallableBool(int):
    """A future's `done` and `running`: properties, as Lithops has them, which answer when called too
    (`future.done()`), as concurrent.futures and earlier oraclefn have them."""

    def __new__(cls, value: object) -> CallableBool:
        return super().__new__(cls, bool(value))

    def __call__(self) -> bool:
        return bool(self)

    def __repr__(self) -> str:
        return repr(bool(self))

    __str__ = __repr__


class State:
    """Lithops' names for where a call is."""
    New = "New"
    Invoked = "Invoked"
    Running = "Running"
    Ready = "Ready"
    Success = "Success"
    Error = "Error"
    Done = "Done"
    Unknown = "Unknown"


#: how often a future waiting for one call of a running job looks again
CALL_POLL_SECONDS = 0.02


class JobRun:
    """One engine job as its futures see it; each call's outcome is read once, as soon as that call has ended.

    `origin` says where the job keeps its objects ({"bucket", "jobs_prefix", "mode"}), so that its futures can
    be collected again in another process. A run made by `JobRun.attaching` has no job yet: it attaches to the
    job by its id, with `config`, the first time it is asked anything."""

    def __init__(self, job: Job | None, created: float, origin: Mapping[str, Any] | None = None) -> None:
        self._job = job
        self.id = job.id if job is not None else None
        #: the client's clock when the job was made (Lithops' host_job_create_tstamp)
        self.created = created
        self.origin = dict(origin or {})
        self._config: Config | None = None
        self._lock = threading.Lock()
        self._outcomes: Sequence[Outcome] | None = None
        self._ended: dict[int, Outcome] = {}
        self._details: dict[int, CallInfo] = {}

    @classmethod
    def attaching(cls, job_id: str, created: float, origin: Mapping[str, Any], config: Config | None) -> JobRun:
        run = cls(None, created, origin)
        run.id = job_id
        run._config = config
        return run

    @property
    def job(self) -> Job:
        if self._job is None:
            with self._lock:
                if self._job is None:
                    self._job = _attach(self._config, self.id, self.origin)
        return self._job

    def wait(self, timeout: float | None = None) -> bool:
        """True once every call of the job has ended; False when `timeout` seconds passed first."""
        return self.job.wait(timeout)

    def done_count(self) -> int:
        return self.job.progress[0]

    def cancel(self) -> None:
        self.job.cancel()

    def call_done(self, index: int) -> bool:
        """Whether call `index` has ended, while the rest of the job may still run."""
        with self._lock:
            if self._outcomes is not None or index in self._ended:
                return True
        try:
            outcome = self.job.result(index)
        except errors.PendingError:
            return False
        except errors.InvalidArgumentError:
            # an attached job counts its calls once it has read the job's manifest
            if not self.job.wait(0):
                return False
            outcome = self._failure(index)
        with self._lock:
            self._ended[index] = outcome
        return True

    def _failure(self, index: int) -> errors.OracleFnError:
        """Why a finished job has no call `index`: the job's own error (its manifest was not found, say)."""
        try:
            self.job.results(timeout=0)
        except errors.OracleFnError as error:
            return error
        return errors.CallFailedError(f"the job {self.id} has no call {index}")

    def wait_call(self, index: int, timeout: float | None = None) -> bool:
        """Waits until call `index` has ended; False when `timeout` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.call_done(index):
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            self.job.wait(CALL_POLL_SECONDS if remaining is None else min(CALL_POLL_SECONDS, remaining))
        return True

    def outcome(self, index: int) -> Outcome:
        """The call's output bytes, or the exception the engine gave for it (FunctionError, CallFailedError)."""
        with self._lock:
            if index in self._ended:
                return self._ended[index]
            if self._outcomes is None and self.job.wait(0):
                try:
                    self._outcomes = self.job.results(timeout=0)
                except errors.OracleFnError as error:  # the whole job failed: so did each call
                    self._ended[index] = error
                    return error
            if self._outcomes is not None and index < len(self._outcomes):
                return self._outcomes[index]
        if self.call_done(index):
            with self._lock:
                if index in self._ended:
                    return self._ended[index]
        return self.job.result(index)

    def details(self, index: int) -> CallInfo | None:
        with self._lock:
            if index not in self._details:
                try:
                    self._details[index] = self.job.call(index)
                except (errors.InvalidArgumentError, errors.PendingError):
                    return None  # a job that failed as a whole has no details of its calls
            return self._details[index]

    def wait_prepared(self, timeout: float | None = None) -> bool:
        """Waits until the job has stored its inputs and manifest and sent its first invocation (or ended), so that
        another process can attach to it; False when `timeout` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.job.wait(0) and not self.job.stats.get("invocations"):
            if deadline is not None and time.monotonic() > deadline:
                return False
            self.job.wait(CALL_POLL_SECONDS)
        return True


class EndedRun:
    """Calls that had ended when their futures were pickled: their outcomes and details travel with them."""

    def __init__(self, job_id: str | None, created: float, origin: Mapping[str, Any] | None = None) -> None:
        self.id = job_id
        self.created = created
        self.origin = dict(origin or {})
        self._ended: dict[int, tuple[Outcome, Mapping[str, Any] | None]] = {}

    def add(self, index: int, outcome: Outcome, details: Mapping[str, Any] | None) -> None:
        self._ended[index] = (outcome, details)

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def done_count(self) -> int:
        return len(self._ended)

    def call_done(self, index: int) -> bool:
        return True

    def cancel(self) -> None:
        """Nothing to stop: every call had ended."""

    def wait_call(self, index: int, timeout: float | None = None) -> bool:
        return True

    def outcome(self, index: int) -> Outcome:
        return self._ended[index][0]

    def details(self, index: int) -> CallInfo | None:
        details = self._ended[index][1]
        if details is None:
            return None
        from .engine import CallInfo
        return CallInfo(details)


class DeferredRun:
    """A job started later, once what it needs is ready (map_reduce's reducer, a job over futures): waits for
    `start` or `fail`."""

    def __init__(self, created: float) -> None:
        self.created = created
        self._ready = threading.Event()
        self._run: JobRun | None = None
        self._error: BaseException | None = None

    @property
    def id(self) -> str | None:
        return self._run.id if self._run is not None else None

    @property
    def origin(self) -> dict[str, Any]:
        return self._run.origin if self._run is not None else {}

    @property
    def started(self) -> bool:
        return self._ready.is_set()

    def start(self, run: JobRun) -> None:
        self._run = run
        self._ready.set()

    def fail(self, error: BaseException) -> None:
        self._error = error
        self._ready.set()

    def wait(self, timeout: float | None = None) -> bool:
        started = time.monotonic()
        if not self._ready.wait(timeout):
            return False
        if self._run is None:
            return True
        return self._run.wait(None if timeout is None else max(0.0, timeout - (time.monotonic() - started)))

    def done_count(self) -> int:
        if self._run is not None:
            return self._run.done_count()
        return 1 if self._error is not None else 0

    def cancel(self) -> None:
        if self._run is not None:
            self._run.cancel()

    def call_done(self, index: int) -> bool:
        if not self._ready.is_set():
            return False
        return self._run is None or self._run.call_done(index)

    def wait_call(self, index: int, timeout: float | None = None) -> bool:
        started = time.monotonic()
        if not self._ready.wait(timeout):
            return False
        if self._run is None:
            return True
        return self._run.wait_call(index, None if timeout is None else max(0.0, timeout - (time.monotonic() - started)))

    def outcome(self, index: int) -> Outcome:
        if self._run is not None:
            return self._run.outcome(index)
        return self._error if self._error is not None else errors.PendingError("the job has not started yet")

    def details(self, index: int) -> CallInfo | None:
        return None if self._run is None else self._run.details(index)


#: What a call ended with: its output bytes, or the exception saying why it has none.
Outcome = Union[bytes, BaseException]
#: The job a future's call belongs to.
Run = Union[JobRun, EndedRun, DeferredRun]


class JobInfo:
    """What a future knows of its job, under Lithops' names: `job_id` (M000 for a map, A000 for call_async,
    R000 for a reducer), `job_key`, `executor_id`, `function_name`, `runtime_memory`. `config` (not pickled) is
    the executor's configuration, with which futures that calls return are collected."""

    def __init__(self, job_id: str | None, executor_id: str, function_name: str | None = None,
                 runtime_memory: int | None = None, config: Config | None = None) -> None:
        self.job_id = job_id
        self.executor_id = executor_id
        self.function_name = function_name
        self.runtime_memory = runtime_memory
        self.config = config

    @property
    def job_key(self) -> str:
        return f"{self.executor_id}-{self.job_id}"

    def __getstate__(self) -> dict[str, Any]:
        return {key: value for key, value in self.__dict__.items() if key != "config"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.config = None


class ResponseFuture:
    """The future result of one call, as Lithops' ResponseFuture: `done`, `running`, `ready`, `success` and
    `error` are properties (`done` and `running` can be called too); `result()`, `status()`, `exception()`."""

    State = State

    def __init__(self, run: Run, index: int, executor_id: str, produce_output: bool = True,
                 job: JobInfo | None = None) -> None:
        self._run = run
        self.index = index
        self.call_id = call_id_of(index)
        self.executor_id = executor_id
        self._job = job if job is not None else JobInfo(None, executor_id)
        #: False for the map calls of a map_reduce and for futures a later job consumed: get_result() skips them
        self._produce_output = produce_output
        self._read = False
        self._mapreduce = False
        self._unknown = False
        self._decoded: tuple[BaseException | None, Any] | None = None
        self._new_futures: list[ResponseFuture] | None = None

    def __repr__(self) -> str:
        return f"<ResponseFuture {self.executor_id}/{self.job_id}/{self.call_id} {self._state}>"

    # -- identity --------------------------------------------------------------------------------------------

    @property
    def job_id(self) -> str | None:
        """Lithops' id of the job: M000 for a map, A000 for a call_async, R000 for a reducer (the engine's id when
        the future was made without one)."""
        return self._job.job_id if self._job.job_id is not None else self._run.id

    @property
    def job_key(self) -> str:
        """Lithops' key of the job: '<executor_id>-<job_id>'."""
        return f"{self.executor_id}-{self.job_id}"

    @property
    def engine_job_id(self) -> str | None:
        """The engine's id of the job (16 hex characters; Engine.attach takes it), None before it started."""
        return self._run.id

    @property
    def function_name(self) -> str | None:
        """The name of the function the call runs."""
        return self._job.function_name

    @property
    def runtime_memory(self) -> int | None:
        """The MB of the function the call runs in (map's runtime_memory, else oracle_f's), None if unknown."""
        return self._job.runtime_memory

    @property
    def activation_id(self) -> str | None:
        """The platform's id of the invocation that ran the call (its fn_call_id), once the call has ended."""
        details = self._details()
        worker = getattr(details, "worker", None) if details is not None else None
        return worker.get("fn_call_id") if isinstance(worker, dict) else None

    @property
    def produce_output(self) -> bool:
        """Whether get_result() gives this call's result (False for the map calls of a map_reduce, and for calls
        whose results a later job consumed); settable."""
        return self._produce_output

    @produce_output.setter
    def produce_output(self, value: bool) -> None:
        self._produce_output = value

    # -- state -----------------------------------------------------------------------------------------------

    @property
    def _state(self) -> str:
        ended = self._run.call_done(self.index)
        if not ended:
            if self._unknown:
                return State.Unknown
            if isinstance(self._run, DeferredRun) and not self._run.started:
                return State.Invoked
            return State.Running
        return State.Error if self._failed() else State.Done

    @property
    def done(self) -> CallableBool:
        """Whether the call has ended (with a result, an exception, or a failure)."""
        return CallableBool(self._unknown or self._run.call_done(self.index))

    @property
    def running(self) -> CallableBool:
        """Whether the call was sent and has not ended."""
        return CallableBool(self._state == State.Running)

    @property
    def invoked(self) -> bool:
        """Lithops' Invoked: the call waits for its job to start (a reducer, a job over futures)."""
        return self._state == State.Invoked

    @property
    def new(self) -> bool:
        """Lithops' New: never, as a future is handed out once its call is on its way."""
        return False

    @property
    def ready(self) -> bool:
        """Lithops' Ready: a status seen and not read yet. The engine reads each status as it arrives, so a
        future goes from running to done (or error) at once."""
        return False

    @property
    def success(self) -> bool:
        """As in Lithops: the call ended and its status was read, but its result was not (Success), or it failed
        (Error)."""
        return self._state == State.Error

    @property
    def error(self) -> bool:
        """Whether the call ended without a result."""
        return self._run.call_done(self.index) and self._failed()

    @property
    def futures(self) -> bool:
        """Whether the call returned futures (of a job it started), which get_result() follows."""
        return self._new_futures is not None

    def _failed(self) -> bool:
        if self._decoded is not None:
            return self._decoded[0] is not None
        return isinstance(self._run.outcome(self.index), BaseException)

    def cancel(self) -> bool:
        """Refused with NotImplementedError: a call that was sent runs to its end (clean(force=True) stops an
        executor's jobs)."""
        raise NotImplementedError("a call that was sent cannot be cancelled; FunctionExecutor.clean(force=True) "
                                  "stops the jobs of an executor")

    def cancelled(self) -> bool:
        """False: a call is never cancelled on its own (see cancel)."""
        return False

    # -- waiting and reading ---------------------------------------------------------------------------------

    def wait(self, timeout: float | None = None) -> bool:
        """Waits until the call has ended; True when it has, False when `timeout` seconds passed first."""
        return self._run.wait_call(self.index, timeout)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """The exception the call ended with, or None."""
        self._wait_or_raise(timeout)
        return self._decode()[0]

    def result(self, throw_except: bool = True, timeout: float | None = None, internal_storage: object = None,
               **_lithops_options: object) -> Any:
        """The function's return value; raises its exception (with the remote traceback as cause) when it raised,
        or gives None for a failed call when `throw_except` is False. A call that returned futures gives those
        futures, as in Lithops (get_result() gives their results)."""
        self._wait_or_raise(timeout)
        exception, value = self._decode()
        if exception is not None:
            if throw_except:
                raise exception
            return None
        self._adopt_new_futures(value)
        if self._new_futures is not None:  # as Lithops: the futures the call returned, as a list
            return self._new_futures
        return value

    def status(self, throw_except: bool = True, internal_storage: object = None, check_only: bool = False,
               wait_dur_sec: float | None = None, timeout: float | None = None) -> dict[str, Any] | None:
        """The call's status as a dict (Lithops' keys: `exception`, `activation_id`, `call_id`, the stats): None
        at once with `check_only` while the call runs, else after waiting for it. Raises the call's exception
        when it raised and `throw_except`."""
        if check_only and not self.done:
            return None
        self._wait_or_raise(timeout)
        exception = self._decode()[0]
        if exception is not None and throw_except:
            raise exception
        if exception is None:
            self._adopt_new_futures(self._decode()[1])
        status: dict[str, Any] = {"type": "__end__", "executor_id": self.executor_id, "job_id": self.job_id,
                  "call_id": self.call_id, "activation_id": self.activation_id,
                  "exception": exception is not None}
        if exception is not None:
            status["exc_info"] = repr(exception)
        if self._new_futures is not None:
            status["new_futures"] = len(self._new_futures)
        status.update(self.stats)
        return status

    @property
    def _exception(self) -> tuple[type[BaseException], BaseException, TracebackType | None]:
        """(type, value, traceback) of the call's exception, as Lithops keeps it (RetryingFuture re-raises it)."""
        exception = self._decode()[0] if self.done else None
        if exception is None:
            return Exception, Exception(), None
        return type(exception), exception, exception.__traceback__

    @property
    def logs(self) -> str | None:
        """What the call printed (stdout and stderr), as its worker kept it; None when unknown."""
        details = self._details()
        return getattr(details, "logs", None) if details is not None else None

    @property
    def stats(self) -> dict[str, Any]:
        """Timings (seconds since the epoch) and attempts, under Lithops' names."""
        details = self._details()
        stats = {"host_job_create_tstamp": self._run.created}
        if details is None:
            return stats
        timings = getattr(details, "timings", None) or {}
        for ours, lithops in (("submitted", "host_submit_tstamp"), ("accepted", "host_accepted_tstamp"),
                              ("worker_start", "worker_start_tstamp"),
                              ("function_start", "worker_func_start_tstamp"),
                              ("function_end", "worker_func_end_tstamp"), ("worker_end", "worker_end_tstamp"),
                              ("status_seen", "host_status_done_tstamp"),
                              ("result_fetched", "host_result_done_tstamp")):
            if timings.get(ours) is not None:
                stats[lithops] = timings[ours]
        if "worker_start_tstamp" in stats and "worker_end_tstamp" in stats:
            stats["worker_exec_time"] = stats["worker_end_tstamp"] - stats["worker_start_tstamp"]
        stats["attempts"] = getattr(details, "attempts", 0)
        return stats

    def _details(self) -> CallInfo | None:
        return self._run.details(self.index) if self._run.call_done(self.index) else None

    def _wait_or_raise(self, timeout: float | None) -> None:
        if not self._run.wait_call(self.index, timeout):
            raise errors.CallTimeoutError(f"call {self.call_id} of job {self.job_id} has not ended after {timeout} s; "
                                          "wait longer, or pass timeout=None")

    def _set_mapreduce(self) -> None:
        """A map call of a map_reduce: its result goes to the reducer, not to get_result()."""
        self._read = True
        self._produce_output = False
        self._mapreduce = True

    def _set_exception(self) -> None:
        """wait() failed: get_result() does not come back to this call."""
        self._read = True

    def _decode(self) -> tuple[BaseException | None, Any]:
        """(exception or None, value), worked out once."""
        if self._decoded is None:
            outcome = self._run.outcome(self.index)
            if isinstance(outcome, BaseException):
                self._decoded = (self._rebuild(outcome), None)
            else:
                try:
                    with collecting_with(self._job.config):
                        self._decoded = (None, calls.decode_result(outcome))
                except Exception as error:
                    self._decoded = (errors.FunctionError(
                        f"the result of call {self.call_id} cannot be unpickled here: {type(error).__name__}: "
                        f"{error}; the client needs the modules the result's classes come from"), None)
        return self._decoded

    def _returned_futures(self) -> list[ResponseFuture] | None:
        """The futures the call returned (it ran a job of its own), else None; a result that cannot hold futures
        is not unpickled to find out."""
        if self._new_futures is not None:
            return self._new_futures
        if not self._run.call_done(self.index) or self._failed():
            return None
        if self._decoded is None:
            outcome = self._run.outcome(self.index)
            if isinstance(outcome, (bytes, bytearray)) and _FUTURE_MARK not in outcome:
                return None
        exception, value = self._decode()
        if exception is None:
            self._adopt_new_futures(value)
        return self._new_futures

    def _adopt_new_futures(self, value: object) -> None:
        if self._new_futures is None and returns_futures(value):
            self._new_futures = [value] if isinstance(value, ResponseFuture) \
                else list(cast("Iterable[ResponseFuture]", value))

    def _rebuild(self, outcome: BaseException) -> BaseException:
        """The function's own exception when the worker could send it, else the closest we can make."""
        details = self._run.details(self.index)
        error = getattr(details, "error", None) if details is not None else None
        if not isinstance(outcome, errors.FunctionError) or not error:
            return outcome
        rebuilt = None
        if error.get("serialized"):
            try:
                rebuilt = pickle.loads(base64.b64decode(error["serialized"]))
            except Exception:
                rebuilt = None
        if rebuilt is None:
            rebuilt = _builtin_exception(error.get("type", ""), error.get("message", ""))
        if rebuilt is None:
            rebuilt = errors.FunctionError(f"{error.get('type')}: {error.get('message')}", error.get("type", ""))
        if error.get("traceback"):
            rebuilt.__cause__ = RemoteTraceback(error["traceback"])
        return rebuilt

    # -- pickling --------------------------------------------------------------------------------------------

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return _restore_future, (self._pickled_state(),)

    def _pickled_state(self) -> dict[str, Any]:
        """What a future needs in another process: its call's outcome when the call has ended, else where its
        job keeps its objects, so the other process collects the call from there."""
        run = self._run
        if isinstance(run, DeferredRun):
            run._ready.wait()  # a job that starts later (a reducer) is pickled once it has started
            inner = run._run
            if inner is None:  # it failed to start: the failure is the outcome
                return self._state_ended(run.id, run.created, run.origin)
            run = inner
        origin = getattr(run, "origin", {}) or {}
        if not run.call_done(self.index) and (origin.get("mode") != "detached" or not origin.get("bucket")):
            # a job whose results come back in the answers (sync) cannot be collected elsewhere: wait for the call
            run.wait_call(self.index, None)
        state = {"index": self.index, "executor_id": self.executor_id, "job": self._job,
                 "produce_output": self._produce_output, "read": self._read}
        if not run.call_done(self.index) and hasattr(run, "wait_prepared"):
            run.wait_prepared()  # attaching finds the job by its manifest
        if run.call_done(self.index):
            state.update(self._state_ended(run.id, run.created, origin))
        else:
            state.update(run={"kind": "attach", "id": run.id, "created": run.created, "origin": origin})
        return state

    def _state_ended(self, job_id: str | None, created: float, origin: Mapping[str, Any]) -> dict[str, Any]:
        outcome = self._run.outcome(self.index)
        if isinstance(outcome, BaseException):
            outcome = _picklable_exception(outcome)
        details = self._run.details(self.index)
        return {"index": self.index, "executor_id": self.executor_id, "job": self._job,
                "produce_output": self._produce_output, "read": self._read,
                "run": {"kind": "ended", "id": job_id, "created": created, "origin": origin, "outcome": outcome,
                        "details": dict(details.__dict__) if details is not None else None}}


#: Bytes found in every pickle of a ResponseFuture: a result without them holds no futures.
_FUTURE_MARK = b"_restore_future"


def returns_futures(value: object) -> bool:
    """Whether a call's value is futures to follow (Lithops' rule): a future, a FuturesList, or a list whose first
    element is a future."""
    if isinstance(value, (ResponseFuture, FuturesList)):
        return True
    return isinstance(value, list) and len(value) > 0 and isinstance(value[0], ResponseFuture)


def _picklable_exception(error: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return errors.CallFailedError(f"{type(error).__name__}: {error}")


_collecting = threading.local()
#: Jobs attached in this process, by (configuration, engine job id): the futures of one job share one.
_attached: weakref.WeakValueDictionary[tuple[int, str | None], JobRun] = weakref.WeakValueDictionary()
_attached_lock = threading.Lock()


@contextlib.contextmanager
def collecting_with(config: Config | None) -> Iterator[None]:
    """Futures unpickled in this block are collected with `config` (the configuration of the executor that
    reads them), not the process's default one."""
    previous = getattr(_collecting, "config", None)
    _collecting.config = config if config is not None else previous
    try:
        yield
    finally:
        _collecting.config = previous


def _restore_future(state: dict[str, Any]) -> ResponseFuture:
    run_state = state["run"]
    config = getattr(_collecting, "config", None)
    job = state["job"]
    if job.config is None:
        job.config = config
    run: Run | None
    if run_state["kind"] == "ended":
        run = EndedRun(run_state["id"], run_state["created"], run_state["origin"])
        run.add(state["index"], run_state["outcome"], run_state["details"])
    else:
        key = (id(config), run_state["id"])
        with _attached_lock:
            run = _attached.get(key)
            if run is None:
                run = JobRun.attaching(run_state["id"], run_state["created"], run_state["origin"], config)
                _attached[key] = run
    future = ResponseFuture(run, state["index"], state["executor_id"], state["produce_output"], job)
    future._read = state["read"]
    return future


def _attach(config: Config | None, job_id: str | None, origin: Mapping[str, Any]) -> Job:
    """The engine job `job_id`, collected from its bucket with `config` (else this process's configuration: the
    calling job's inside a function, else the one FunctionExecutor() would use)."""
    from .engine import Engine
    from .executor import default_config

    if config is None:
        config = _config_for(origin) or default_config()
    engine = getattr(config, "_attach_engine", None)
    if engine is None:
        engine = Engine(config)
        config._attach_engine = engine
    options = {key: origin[key] for key in ("bucket", "jobs_prefix") if origin.get(key)}
    try:
        job: Job = engine.attach(job_id, **options)
        return job
    except errors.OracleFnError as error:
        raise type(error)(f"a future of job {job_id} came from another process, and that job cannot be collected "
                          f"here ({error}); its bucket {origin.get('bucket')} must be reachable with this process's "
                          "configuration", error.code, error.http_status, error.opc_request_id) from None


#: The configurations of the executors of this process, which futures unpickled outside any executor are
#: collected with when one reaches their job's storage.
_live_configs: list[weakref.ref[Config]] = []
_live_configs_lock = threading.Lock()


def remember_config(config: Config) -> None:
    with _live_configs_lock:
        _live_configs[:] = [ref for ref in _live_configs if ref() is not None and ref() is not config]
        _live_configs.append(weakref.ref(config))


def _config_for(origin: Mapping[str, Any]) -> Config | None:
    """A configuration of this process's executors for the storage a job keeps its objects in (same endpoint
    and region), preferring one whose bucket it is."""
    candidates = []
    with _live_configs_lock:
        configs = [ref() for ref in _live_configs]
    for config in reversed(configs):  # the latest executor first
        if config is None:
            continue
        try:
            storage = config["oracle_oss"]
            region = storage.get("region") or config["oracle"].get("region")
        except (KeyError, TypeError):
            continue
        if storage.get("endpoint") == origin.get("endpoint") and region == origin.get("region"):
            candidates.append((storage.get("storage_bucket") != origin.get("bucket"), config))
    return min(candidates, key=lambda pair: pair[0])[1] if candidates else None


def _builtin_exception(name: str, message: str) -> BaseException | None:
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        try:
            return kind(message)
        except Exception:
            return None
    return None


def call_id_of(index: int) -> str:
    """A call's id: its index, zero-padded to 5 digits (docs/protocol.md)."""
    return f"{index:05d}"


class FuturesList(list["ResponseFuture"]):
    """A list of futures that can wait for itself, give its results, and be mapped over again (Lithops'
    FuturesList): `futures.map(g)` runs g over the results of these calls, as a new job of the same executor;
    `alt_list` keeps every future of the chain."""

    executor: FunctionExecutor | None = None
    config: Config | None = None
    #: every future of the chain, once a job was chained
    alt_list: list[ResponseFuture]

    def __init__(self, futures: Iterable[ResponseFuture] = (), executor: FunctionExecutor | None = None) -> None:
        super().__init__(futures)
        if executor is not None:
            self.executor = executor
            self.config = getattr(executor, "config", None)

    def _create_executor(self) -> FunctionExecutor:
        if self.executor is None:
            from .executor import FunctionExecutor
            self.executor = FunctionExecutor(config=self.config)
        return self.executor

    def _all_futures(self) -> list[ResponseFuture]:
        return self.alt_list if hasattr(self, "alt_list") else self

    def _extend_futures(self, fs: list[ResponseFuture]) -> None:
        for future in self:
            future._produce_output = False
        if not hasattr(self, "alt_list"):
            self.alt_list = list(self)
        self.alt_list.extend(fs)
        self.clear()
        self.extend(fs)

    def map(self, map_function: Callable[..., Any], sync: bool = False, **kwargs: Any) -> FuturesList:
        """Chains a map job over the results of these calls; returns this list, now holding the new job's
        futures. `sync`: wait for these calls first (else the new job starts as soon as they have ended)."""
        executor = self._create_executor()
        if sync:
            executor.wait(self)
        fs = executor.map(map_function, list(self), **kwargs)
        self._extend_futures(fs)
        return self

    def map_reduce(self, map_function: Callable[..., Any], reduce_function: Callable[..., Any], sync: bool = False,
                   **kwargs: Any) -> FuturesList:
        """Chains a map_reduce over the results of these calls; returns this list, now holding its futures."""
        executor = self._create_executor()
        if sync:
            executor.wait(self)
        fs = executor.map_reduce(map_function, list(self), reduce_function, **kwargs)
        self._extend_futures(fs)
        return self

    def wait(self, **options: Any) -> tuple[list[ResponseFuture], list[ResponseFuture]]:
        """Waits for every job of the chain; (done, not_done)."""
        return self._create_executor().wait(fs=self._all_futures(), **options)

    def get_result(self, **options: Any) -> Any:
        """The results of the last job of the chain."""
        return self._create_executor().get_result(fs=self._all_futures(), **options)

    def __reduce__(self) -> tuple[Any, ...]:
        reduced = list(super().__reduce__())
        state = reduced[2] if len(reduced) > 2 else None
        if isinstance(state, dict) and ("executor" in state or "config" in state):
            state = {key: value for key, value in state.items() if key not in ("executor", "config")}
            reduced[2] = state
        return tuple(reduced)


def done_enough(return_when: int, done: int, total: int) -> bool:
    """Whether `done` of `total` calls satisfy `return_when`."""
    if return_when == ALWAYS:
        return True
    if return_when == ANY_COMPLETED:
        return done >= 1 or total == 0
    if not 0 < return_when <= 100:
        raise ValueError(f"return_when is {return_when}; pass ALWAYS, ANY_COMPLETED, ALL_COMPLETED or a "
                         "percentage from 1 to 100")
    return done * 100 >= return_when * total


def as_future_list(fs: ResponseFuture | Iterable[ResponseFuture]) -> list[ResponseFuture]:
    """A list of futures from one future or a list (which is kept, and grows with the futures calls return)."""
    if isinstance(fs, list):
        return fs
    if isinstance(fs, ResponseFuture):
        return [fs]
    return list(fs)


def wait(fs: ResponseFuture | Iterable[ResponseFuture], throw_except: bool = True, return_when: int = ALL_COMPLETED,
         download_results: bool = False, timeout: float | None = None, threadpool_size: int = THREADPOOL_SIZE,
         wait_dur_sec: float | None = None, show_progressbar: bool = True, internal_storage: object = None,
         **_lithops_options: object) -> tuple[list[ResponseFuture], list[ResponseFuture]]:
    """Waits for the futures `fs` (of any executors) until `return_when`: ALWAYS (check once), ANY_COMPLETED,
    ALL_COMPLETED or a percentage of them. Returns (done, not_done) lists.

    As in Lithops, the futures that calls return (jobs they started) are appended to `fs` when it is a list, and
    waited for too. With `throw_except`, the exception of the first failed call is raised as soon as it is seen.
    A call whose result was read already (get_result) is not raised again. Raises TimeoutError when `timeout`
    seconds pass first; the calls go on, and can be waited for again.
    `download_results`: decode the results while waiting. `threadpool_size` is accepted for Lithops' sake (the
    engine reads each status and output as the call ends); `wait_dur_sec` is how long each round of waiting
    blocks (default 0.2 s)."""
    futures = as_future_list(fs)
    if return_when != ALWAYS:
        done_enough(return_when, 0, 1)  # refuses a bad return_when before waiting
    deadline = None if timeout is None else time.monotonic() + timeout
    slice_seconds = WAIT_SLICE_SECONDS if wait_dur_sec is None else max(0.01, min(float(wait_dur_sec), 1.0))
    bar = progress.progress_bar(len(futures), enabled=show_progressbar)
    seen = set()
    try:
        while True:
            runs: dict[int, Run] = {}
            for future in futures:
                runs.setdefault(id(future._run), future._run)
            finished = {key for key, run in runs.items() if run.wait(0)}
            done = 0
            index = 0
            while index < len(futures):  # the list grows with the futures that calls return
                future = futures[index]
                index += 1
                if not (id(future._run) in finished or future.done):
                    continue
                done += 1
                if id(future) in seen:
                    continue
                seen.add(id(future))
                if download_results:
                    future._decode()
                if future.error:
                    if throw_except and not future._read:  # a call whose exception was read is not raised again
                        exception = future.exception(0)
                        if exception is not None:
                            raise exception
                    continue
                returned = future._returned_futures()
                for new in returned or ():
                    if not any(new is known for known in futures):
                        futures.append(new)
            bar.update(done)
            if done_enough(return_when, done, len(futures)):
                break
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise errors.CallTimeoutError(
                    f"{len(futures) - done} of {len(futures)} calls have not ended after {timeout} s; wait "
                    "longer, or pass timeout=None")
            pending = next((f for f in futures if not (id(f._run) in finished or f.done)), None)
            if pending is not None:  # else the last calls ended meanwhile: count again
                pending.wait(slice_seconds if remaining is None else min(slice_seconds, remaining))
    finally:
        bar.close()
    done_futures = [f for f in futures if f.done]
    not_done = [f for f in futures if not f.done]
    return done_futures, not_done


def get_result(fs: ResponseFuture | Iterable[ResponseFuture], throw_except: bool = True, timeout: float | None = None,
               threadpool_size: int = THREADPOOL_SIZE, wait_dur_sec: float | None = None, show_progressbar: bool = True,
               internal_storage: object = None, **_lithops_options: object) -> list[Any]:
    """The results of the futures `fs` (of any executors), in call order, waiting for them: Lithops' module-level
    get_result. The results of the futures that calls returned take the place of those calls."""
    futures = as_future_list(fs)
    done, _ = wait(futures, throw_except=throw_except, download_results=True, timeout=timeout,
                   wait_dur_sec=wait_dur_sec, show_progressbar=show_progressbar)
    return [f.result(throw_except=throw_except) for f in done if not f.futures and f._produce_output]
