"""concurrent.futures executors that run their callables on Oracle Functions (Lithops' lithops.concurrent):

    from oraclefn.concurrent import ProcessPoolExecutor

    with ProcessPoolExecutor() as executor:
        future = executor.submit(pow, 2, 8)
        print(future.result())
        print(list(executor.map(abs, [-1, 2, -3])))

`submit` is a call_async, `map` one map job (results in order, as the standard library's map gives them). The
futures are concurrent.futures.Future, so the standard library's wait() and as_completed() work with them; the
oraclefn future behind one is its `lithops_future`.
"""
import collections
import concurrent.futures as _cf
import functools
import threading
import time
from concurrent.futures import (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, BrokenExecutor, CancelledError,
                                InvalidStateError, TimeoutError, as_completed, wait)

__all__ = ["ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION", "BrokenExecutor", "CancelledError", "Executor",
           "FunctionExecutor", "Future", "InvalidStateError", "LocalhostExecutor", "ProcessPoolExecutor",
           "ServerlessExecutor", "StandaloneExecutor", "ThreadPoolExecutor", "TimeoutError", "as_completed", "wait"]

Executor = _cf.Executor

#: How often the watcher looks at the calls still running.
WATCH_SECONDS = 0.05


class Future(_cf.Future):
    """A concurrent.futures.Future for one call; `lithops_future` is the oraclefn future behind it."""

    def __init__(self, lithops_future=None):
        super().__init__()
        self._lithops_future = lithops_future

    @property
    def lithops_future(self):
        return self._lithops_future

    @property
    def stats(self):
        return self._lithops_future.stats if self._lithops_future is not None else {}


class FunctionExecutor(_cf.Executor):
    """A concurrent.futures.Executor on an oraclefn FunctionExecutor (made from `**kwargs`, or `executor`).

    `max_workers` goes to the executor's oracle_f.max_workers; `runtime_memory`, `extra_env`,
    `execution_timeout` (per invocation), `include_modules` and `exclude_modules` apply to every call.
    `initializer` is refused: functions keep no state between calls."""

    def __init__(self, max_workers=None, *, executor=None, initializer=None, initargs=(), runtime_memory=None,
                 extra_env=None, execution_timeout=None, include_modules=None, exclude_modules=None, **kwargs):
        if initializer is not None:
            raise NotImplementedError("initializer is not supported: a function's worker keeps no state between "
                                      "calls; do the set-up in the function")
        if executor is not None and type(executor).__name__ == "RetryingFunctionExecutor":
            raise TypeError("a RetryingFunctionExecutor retries from its own wait(), which this executor never "
                            "calls; wrap the FunctionExecutor it holds instead")
        for key in ("mp_context", "max_tasks_per_child", "thread_name_prefix"):
            kwargs.pop(key, None)
        self._job_kwargs = {key: value for key, value in (
            ("runtime_memory", runtime_memory), ("extra_env", extra_env), ("timeout", execution_timeout),
            ("include_modules", include_modules), ("exclude_modules", exclude_modules)) if value is not None}
        self._owns_executor = executor is None
        if executor is None:
            if max_workers is not None:
                kwargs["max_workers"] = max_workers
            executor = self._make_executor(**kwargs)
        self._inner = executor
        self._lock = threading.Lock()
        self._pending = []
        self._wake = threading.Event()
        self._shutdown = False
        self._watcher = None

    @staticmethod
    def _make_executor(**kwargs):
        from .executor import FunctionExecutor as OracleFnExecutor
        return OracleFnExecutor(**kwargs)

    @property
    def lithops_executor(self):
        """The oraclefn FunctionExecutor the calls run on."""
        return self._inner

    def _check_running(self):
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")

    def _track(self, lithops_futures):
        tracked = [Future(f) for f in lithops_futures]
        for future in tracked:
            future.set_running_or_notify_cancel()
        with self._lock:
            self._pending.extend(tracked)
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, name="oraclefn-concurrent", daemon=True)
                self._watcher.start()
        self._wake.set()
        return tracked

    def _watch(self):
        while True:
            with self._lock:
                pending = list(self._pending)
                if not pending and self._shutdown:
                    self._watcher = None
                    return
            ended = [f for f in pending if f._lithops_future.done]
            for future in ended:
                _settle(future)
            with self._lock:
                self._pending = [f for f in self._pending if f not in ended]
            if not ended:
                self._wake.wait(WATCH_SECONDS)
                self._wake.clear()

    def submit(self, fn, /, *args, **kwargs):
        """Runs fn(*args, **kwargs) in a function; a Future of its result."""
        with self._lock:
            self._check_running()
        call = functools.partial(fn, *args, **kwargs) if args or kwargs else fn
        lithops_future = self._inner.call_async(call, (), **self._job_kwargs)
        return self._track([lithops_future])[0]

    def map(self, fn, *iterables, timeout=None, chunksize=None, buffersize=None):
        """fn over the iterables' items (one call each, in one job; `chunksize` calls per invocation), as the
        standard library's map: an iterator over the results, in order; every call is sent first."""
        if chunksize is not None and chunksize < 1:
            raise ValueError("chunksize must be >= 1.")
        if buffersize is not None and buffersize < 0:
            raise ValueError("buffersize must be >= 0")
        with self._lock:
            self._check_running()
        end_time = None if timeout is None else timeout + time.monotonic()
        iterator = zip(*iterables)

        def take(count):
            if count is None:
                return list(iterator)
            batch = []
            for _ in range(count):
                try:
                    batch.append(next(iterator))
                except StopIteration:
                    break
            return batch

        def submit_batch(items):
            if not items:
                return []
            lithops_futures = self._inner.map(fn, [tuple(item) for item in items], chunksize=chunksize,
                                              **self._job_kwargs)
            return self._track(lithops_futures)

        queue = collections.deque(submit_batch(take(buffersize or None)))

        def results():
            try:
                while queue:
                    remaining = None if end_time is None else end_time - time.monotonic()
                    yield queue.popleft().result(remaining)
                    if buffersize:
                        queue.extend(submit_batch(take(buffersize - len(queue))))
            finally:
                for future in queue:
                    future.cancel()

        return results()

    def shutdown(self, wait=True, *, cancel_futures=False):
        """No new calls; with `wait`, returns once the calls sent have ended. Calls already sent run to their end
        (cancel_futures cancels none: they run in functions already)."""
        with self._lock:
            self._shutdown = True
            pending = list(self._pending)
        self._wake.set()
        if wait:
            _cf.wait(pending)
            if self._owns_executor:
                self._inner.__exit__(None, None, None)


def _settle(future):
    lithops_future = future._lithops_future
    try:
        value = lithops_future.result()
    except BaseException as error:
        with _suppress_invalid_state():
            future.set_exception(error)
        return
    with _suppress_invalid_state():
        future.set_result(value)


class _suppress_invalid_state:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is not None and issubclass(kind, InvalidStateError)


class ServerlessExecutor(FunctionExecutor):
    """FunctionExecutor (on Oracle Functions: oraclefn's one mode)."""


class LocalhostExecutor(FunctionExecutor):
    """FunctionExecutor on the embedded emulator, on this machine."""

    @staticmethod
    def _make_executor(**kwargs):
        from .lithops.executors import LocalhostExecutor as Inner
        return Inner(**kwargs)


class StandaloneExecutor(FunctionExecutor):
    """Refused: oraclefn runs on Oracle Functions, not on virtual machines."""

    @staticmethod
    def _make_executor(**kwargs):
        from .lithops.executors import StandaloneExecutor as Inner
        return Inner(**kwargs)


class ProcessPoolExecutor(FunctionExecutor):
    """A drop-in for concurrent.futures.ProcessPoolExecutor whose calls run in functions (mp_context and
    max_tasks_per_child are ignored)."""


class ThreadPoolExecutor(FunctionExecutor):
    """A drop-in for concurrent.futures.ThreadPoolExecutor whose calls run in functions (thread_name_prefix is
    ignored)."""
