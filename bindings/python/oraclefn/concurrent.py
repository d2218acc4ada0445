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
from __future__ import annotations

import collections
import concurrent.futures as _cf
import functools
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence, TypeVar
from concurrent.futures import (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, BrokenExecutor, CancelledError,
                                InvalidStateError, TimeoutError, as_completed, wait)

__all__ = ["ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION", "BrokenExecutor", "CancelledError", "Executor",
           "FunctionExecutor", "Future", "InvalidStateError", "LocalhostExecutor", "ProcessPoolExecutor",
           "ServerlessExecutor", "StandaloneExecutor", "ThreadPoolExecutor", "TimeoutError", "as_completed", "wait"]

if TYPE_CHECKING:
    from .executor import FunctionExecutor as OracleFnExecutor
    from .futures import ResponseFuture

Executor = _cf.Executor
_T = TypeVar("_T")

#: How often the watcher looks at the calls still running.
WATCH_SECONDS = 0.05


class Future(_cf.Future[Any]):
    """A concurrent.futures.Future for one call; `lithops_future` is the oraclefn future behind it."""

    def __init__(self, lithops_future: ResponseFuture | None = None) -> None:
        super().__init__()
        self._lithops_future = lithops_future

    @property
    def lithops_future(self) -> ResponseFuture | None:
        """The oraclefn ResponseFuture of the call behind this future."""
        return self._lithops_future

    @property
    def stats(self) -> dict[str, Any]:
        """The call's timings and attempts under Lithops' names (ResponseFuture.stats); {} without a call."""
        return self._lithops_future.stats if self._lithops_future is not None else {}


class FunctionExecutor(_cf.Executor):
    """A concurrent.futures.Executor on an oraclefn FunctionExecutor (made from `**kwargs`, or `executor`).

    `max_workers` goes to the executor's oracle_f.max_workers; `runtime_memory`, `extra_env`,
    `execution_timeout` (per invocation), `include_modules` and `exclude_modules` apply to every call.
    `initializer` is refused: functions keep no state between calls."""

    def __init__(self, max_workers: int | None = None, *, executor: OracleFnExecutor | None = None,
                 initializer: Callable[..., object] | None = None, initargs: tuple[Any, ...] = (),
                 runtime_memory: int | None = None, extra_env: Mapping[str, str] | None = None,
                 execution_timeout: float | None = None, include_modules: Sequence[str] | None = None,
                 exclude_modules: Sequence[str] | None = None, **kwargs: Any) -> None:
        if initializer is not None:
            raise NotImplementedError("initializer is not supported: a function's worker keeps no state between "
                                      "calls; do the set-up in the function")
        if executor is not None and type(executor).__name__ == "RetryingFunctionExecutor":
            raise TypeError("a RetryingFunctionExecutor retries from its own wait(), which this executor never "
                            "calls; wrap the FunctionExecutor it holds instead")
        for key in ("mp_context", "max_tasks_per_child", "thread_name_prefix"):
            kwargs.pop(key, None)
        self._job_kwargs: dict[str, Any] = {key: value for key, value in (
            ("runtime_memory", runtime_memory), ("extra_env", extra_env), ("timeout", execution_timeout),
            ("include_modules", include_modules), ("exclude_modules", exclude_modules)) if value is not None}
        self._owns_executor = executor is None
        if executor is None:
            if max_workers is not None:
                kwargs["max_workers"] = max_workers
            executor = self._make_executor(**kwargs)
        self._inner = executor
        self._lock = threading.Lock()
        #: the futures handed out whose calls have not ended, each with the oraclefn future behind it
        self._pending: list[tuple[Future, ResponseFuture]] = []
        self._wake = threading.Event()
        self._shutdown = False
        self._watcher: threading.Thread | None = None

    @staticmethod
    def _make_executor(**kwargs: Any) -> OracleFnExecutor:
        from .executor import FunctionExecutor as OracleFnExecutor
        return OracleFnExecutor(**kwargs)

    @property
    def lithops_executor(self) -> OracleFnExecutor:
        """The oraclefn FunctionExecutor the calls run on."""
        return self._inner

    def _check_running(self) -> None:
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")

    def _track(self, lithops_futures: Iterable[ResponseFuture]) -> list[Future]:
        pairs = [(Future(f), f) for f in lithops_futures]
        for future, _ in pairs:
            future.set_running_or_notify_cancel()
        with self._lock:
            self._pending.extend(pairs)
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, name="oraclefn-concurrent", daemon=True)
                self._watcher.start()
        self._wake.set()
        return [future for future, _ in pairs]

    def _watch(self) -> None:
        while True:
            with self._lock:
                pending = list(self._pending)
                if not pending and self._shutdown:
                    self._watcher = None
                    return
            ended = [pair for pair in pending if pair[1].done]
            for future, lithops_future in ended:
                _settle(future, lithops_future)
            with self._lock:
                self._pending = [pair for pair in self._pending if pair not in ended]
            if not ended:
                self._wake.wait(WATCH_SECONDS)
                self._wake.clear()

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> _cf.Future[_T]:
        """Runs fn(*args, **kwargs) in a function; a Future of its result."""
        with self._lock:
            self._check_running()
        call = functools.partial(fn, *args, **kwargs) if args or kwargs else fn
        lithops_future = self._inner.call_async(call, (), **self._job_kwargs)
        return self._track([lithops_future])[0]

    def map(self, fn: Callable[..., _T], *iterables: Iterable[Any], timeout: float | None = None,
            chunksize: int | None = None, buffersize: int | None = None) -> Iterator[_T]:
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

        def take(count: int | None) -> list[tuple[Any, ...]]:
            if count is None:
                return list(iterator)
            batch: list[tuple[Any, ...]] = []
            for _ in range(count):
                try:
                    batch.append(next(iterator))
                except StopIteration:
                    break
            return batch

        def submit_batch(items: list[tuple[Any, ...]]) -> list[Future]:
            if not items:
                return []
            lithops_futures = self._inner.map(fn, [tuple(item) for item in items], chunksize=chunksize,
                                              **self._job_kwargs)
            return self._track(lithops_futures)

        queue = collections.deque(submit_batch(take(buffersize or None)))

        def results() -> Iterator[Any]:
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

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """No new calls; with `wait`, returns once the calls sent have ended. Calls already sent run to their end
        (cancel_futures cancels none: they run in functions already)."""
        with self._lock:
            self._shutdown = True
            pending = [future for future, _ in self._pending]
        self._wake.set()
        if wait:
            _cf.wait(pending)
            if self._owns_executor:
                self._inner.__exit__(None, None, None)


def _settle(future: Future, lithops_future: ResponseFuture) -> None:
    try:
        value = lithops_future.result()
    except BaseException as error:
        with _suppress_invalid_state():
            future.set_exception(error)
        return
    with _suppress_invalid_state():
        future.set_result(value)


class _suppress_invalid_state:
    def __enter__(self) -> _suppress_invalid_state:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: object, traceback: object) -> bool:
        return kind is not None and issubclass(kind, InvalidStateError)


class ServerlessExecutor(FunctionExecutor):
    """FunctionExecutor (on Oracle Functions: oraclefn's one mode)."""


class LocalhostExecutor(FunctionExecutor):
    """FunctionExecutor on the embedded emulator, on this machine."""

    @staticmethod
    def _make_executor(**kwargs: Any) -> OracleFnExecutor:
        from .lithops.executors import LocalhostExecutor as Inner
        return Inner(**kwargs)


class StandaloneExecutor(FunctionExecutor):
    """Refused: oraclefn runs on Oracle Functions, not on virtual machines."""

    @staticmethod
    def _make_executor(**kwargs: Any) -> OracleFnExecutor:
        from .lithops.executors import StandaloneExecutor as Inner
        return Inner(**kwargs)


class ProcessPoolExecutor(FunctionExecutor):
    """A drop-in for concurrent.futures.ProcessPoolExecutor whose calls run in functions (mp_context and
    max_tasks_per_child are ignored)."""


class ThreadPoolExecutor(FunctionExecutor):
    """A drop-in for concurrent.futures.ThreadPoolExecutor whose calls run in functions (thread_name_prefix is
    ignored)."""
