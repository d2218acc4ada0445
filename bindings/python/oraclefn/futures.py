"""Futures of Python calls, as Lithops hands them out: one per call, read in call order.

A future reads its call's outcome from the engine job that runs it (a `JobRun`), decodes the pickled result once,
and rebuilds the function's exception with its remote traceback.
"""
import base64
import builtins
import pickle
import threading
import time

from . import errors
from .worker import calls

#: wait(return_when=...): return at once, after the first call, after every call (or a percentage, 1 to 100).
ALWAYS = 0
ANY_COMPLETED = -1
ALL_COMPLETED = 100


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a function, as the worker formatted it; the re-raised
    exception's cause."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text

    def __str__(self):
        return f'\n"""\n{self.text.rstrip()}\n"""'


#: how often a future waiting for one call of a running job looks again
CALL_POLL_SECONDS = 0.02


class JobRun:
    """One engine job as its futures see it; each call's outcome is read once, as soon as that call has ended."""

    def __init__(self, job, created):
        self.job = job
        self.id = job.id
        #: the client's clock when the job was made (Lithops' host_job_create_tstamp)
        self.created = created
        self._lock = threading.Lock()
        self._outcomes = None
        self._ended = {}
        self._details = {}

    def wait(self, timeout=None):
        """True once every call of the job has ended; False when `timeout` seconds passed first."""
        return self.job.wait(timeout)

    def done_count(self):
        return self.job.progress[0]

    def call_done(self, index):
        """Whether call `index` has ended, while the rest of the job may still run."""
        with self._lock:
            if self._outcomes is not None or index in self._ended:
                return True
        try:
            outcome = self.job.result(index)
        except errors.PendingError:
            return False
        with self._lock:
            self._ended[index] = outcome
        return True

    def wait_call(self, index, timeout=None):
        """Waits until call `index` has ended; False when `timeout` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.call_done(index):
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            self.job.wait(CALL_POLL_SECONDS if remaining is None else min(CALL_POLL_SECONDS, remaining))
        return True

    def outcome(self, index):
        """The call's output bytes, or the exception the engine gave for it (FunctionError, CallFailedError)."""
        with self._lock:
            if index in self._ended:
                return self._ended[index]
            if self._outcomes is None and self.job.wait(0):
                self._outcomes = self.job.results(timeout=0)
            if self._outcomes is not None:
                return self._outcomes[index]
        return self.job.result(index)

    def details(self, index):
        with self._lock:
            if index not in self._details:
                self._details[index] = self.job.call(index)
            return self._details[index]


class DeferredRun:
    """A job started later, once what it needs is ready (map_reduce's reducer): waits for `start` or `fail`."""

    def __init__(self, created):
        self.created = created
        self._ready = threading.Event()
        self._run = None
        self._error = None

    @property
    def id(self):
        return self._run.id if self._run is not None else None

    def start(self, run):
        self._run = run
        self._ready.set()

    def fail(self, error):
        self._error = error
        self._ready.set()

    def wait(self, timeout=None):
        if not self._ready.wait(timeout):
            return False
        if self._run is None:
            return True
        return self._run.wait(timeout)

    def done_count(self):
        if self._run is not None:
            return self._run.done_count()
        return 1 if self._error is not None else 0

    def call_done(self, index):
        if not self._ready.is_set():
            return False
        return self._run is None or self._run.call_done(index)

    def wait_call(self, index, timeout=None):
        started = time.monotonic()
        if not self._ready.wait(timeout):
            return False
        if self._run is None:
            return True
        return self._run.wait_call(index, None if timeout is None else max(0.0, timeout - (time.monotonic() - started)))

    def outcome(self, index):
        return self._error if self._run is None else self._run.outcome(index)

    def details(self, index):
        return None if self._run is None else self._run.details(index)


class ResponseFuture:
    """The future result of one call."""

    def __init__(self, run, index, executor_id, produce_output=True):
        self._run = run
        self.index = index
        self.call_id = call_id_of(index)
        self.executor_id = executor_id
        #: False for the map calls of a map_reduce: get_result() gives the reducer's result only
        self.produce_output = produce_output
        self._decoded = None
        self._read = False

    def __repr__(self):
        state = "done" if self.done() else "pending"
        return f"<ResponseFuture {self.executor_id}/{self.job_id}/{self.call_id} {state}>"

    @property
    def job_id(self):
        """The engine's id of the job (16 hex characters; Engine.attach takes it), None before it started."""
        return self._run.id

    def done(self):
        """Whether the call has ended (with a result, an exception, or a failure)."""
        return self._run.call_done(self.index)

    def running(self):
        return not self.done()

    def wait(self, timeout=None):
        """Waits until the call has ended; True when it has, False when `timeout` seconds passed first."""
        return self._run.wait_call(self.index, timeout)

    @property
    def error(self):
        """Whether the call ended without a result (only meaningful once done)."""
        return self.done() and self._decode()[0] is not None

    def exception(self, timeout=None):
        """The exception the call ended with, or None."""
        self._wait_or_raise(timeout)
        return self._decode()[0]

    def result(self, throw_except=True, timeout=None):
        """The function's return value; raises its exception (with the remote traceback as cause) when it raised,
        or None for a failed call when `throw_except` is False."""
        self._wait_or_raise(timeout)
        self._read = True
        exception, value = self._decode()
        if exception is not None:
            if throw_except:
                raise exception
            return None
        return value

    @property
    def logs(self):
        """What the call printed (stdout and stderr), as its worker kept it; None when unknown."""
        details = self._details()
        return getattr(details, "logs", None) if details is not None else None

    @property
    def stats(self):
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

    def _details(self):
        return self._run.details(self.index) if self.done() else None

    def _wait_or_raise(self, timeout):
        if not self._run.wait_call(self.index, timeout):
            raise errors.TimeoutError(f"call {self.call_id} of job {self.job_id} has not ended after {timeout} s; "
                                      "wait longer, or pass timeout=None")

    def _decode(self):
        """(exception or None, value), worked out once."""
        if self._decoded is None:
            outcome = self._run.outcome(self.index)
            if isinstance(outcome, BaseException):
                self._decoded = (self._rebuild(outcome), None)
            else:
                try:
                    self._decoded = (None, calls.decode_result(outcome))
                except Exception as error:
                    self._decoded = (errors.FunctionError(
                        f"the result of call {self.call_id} cannot be unpickled here: {type(error).__name__}: "
                        f"{error}; the client needs the modules the result's classes come from"), None)
        return self._decoded

    def _rebuild(self, outcome):
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


def _builtin_exception(name, message):
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        try:
            return kind(message)
        except Exception:
            return None
    return None


def call_id_of(index):
    """A call's id: its index, zero-padded to 5 digits (docs/protocol.md)."""
    return f"{index:05d}"


class FuturesList(list):
    """A list of futures that can wait for itself and give its results (Lithops' FuturesList)."""

    def __init__(self, futures=(), executor=None):
        super().__init__(futures)
        self.executor = executor

    def wait(self, **options):
        return self.executor.wait(fs=self, **options)

    def get_result(self, **options):
        return self.executor.get_result(fs=self, **options)


def done_enough(return_when, done, total):
    """Whether `done` of `total` calls satisfy `return_when`."""
    if return_when == ALWAYS:
        return True
    if return_when == ANY_COMPLETED:
        return done >= 1 or total == 0
    if not 0 < return_when <= 100:
        raise ValueError(f"return_when is {return_when}; pass ALWAYS, ANY_COMPLETED, ALL_COMPLETED or a "
                         "percentage from 1 to 100")
    return done * 100 >= return_when * total
