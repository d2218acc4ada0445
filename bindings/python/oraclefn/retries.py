"""Retrying calls whose function failed, as Lithops' RetryingFunctionExecutor (lithops.retries) does: a failed
call (an exception, a timeout, a lost worker) is sent again as a new job of one call, with the same input and
options, until it succeeds or `retries` more attempts have failed."""
from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from .futures import ALL_COMPLETED, ALWAYS, ANY_COMPLETED, THREADPOOL_SIZE, WAIT_DUR_SEC, CallableBool, ResponseFuture

if TYPE_CHECKING:
    from .executor import FunctionExecutor

__all__ = ["RetryingFunctionExecutor", "RetryingFuture"]


class RetryingFuture:
    """A call that is sent again when it fails: `response_future` is the latest attempt's future."""

    def __init__(self, response_future: ResponseFuture, map_function: Callable[..., Any], input: Any,
                 retries: int | None = None, **kwargs: Any) -> None:
        self.response_future = response_future
        self.map_function = map_function
        self.input = input
        self.retries = retries or 0
        self.map_kwargs = kwargs
        self.failure_count = 0
        self.cancelled = False

    def _inc_failure_count(self) -> None:
        self.failure_count += 1

    def _should_retry(self) -> bool:
        return not self.cancelled and self.failure_count <= self.retries

    def _retry(self, function_executor: FunctionExecutor) -> None:
        self.response_future = function_executor.map(self.map_function, [self.input], **self.map_kwargs)[0]

    def cancel(self) -> None:
        """No more attempts after this one (which is left to end)."""
        self.cancelled = True

    @property
    def done(self) -> CallableBool:
        """Whether the latest attempt has ended."""
        return self.response_future.done

    @property
    def error(self) -> bool:
        """Whether the latest attempt ended without a result."""
        return self.response_future.error

    @property
    def _exception(self) -> tuple[type[BaseException], BaseException, TracebackType | None]:
        return self.response_future._exception

    @property
    def stats(self) -> dict[str, Any]:
        """The latest attempt's timings and attempts (ResponseFuture.stats)."""
        return self.response_future.stats

    def _reraise_if_error(self) -> None:
        if self.response_future.error:
            kind, value, traceback = self.response_future._exception
            raise value.with_traceback(traceback)

    def status(self, throw_except: bool = True, internal_storage: object = None,
               check_only: bool = False) -> dict[str, Any] | None:
        """The latest attempt's status (ResponseFuture.status); its exception when every attempt failed."""
        status = self.response_future.status(throw_except=throw_except, internal_storage=internal_storage,
                                             check_only=check_only)
        self._reraise_if_error()
        return status

    def result(self, throw_except: bool = True, internal_storage: object = None) -> Any:
        """The latest attempt's result; its exception when every attempt failed."""
        value = self.response_future.result(throw_except=throw_except, internal_storage=internal_storage)
        self._reraise_if_error()
        return value


class RetryingFunctionExecutor:
    """A FunctionExecutor whose map() calls are sent again when they fail, up to `retries` times (map's argument,
    else the configuration's lithops.retries). wait() does the retrying."""

    def __init__(self, executor: FunctionExecutor) -> None:
        self.executor = executor
        self.config = executor.config

    def __enter__(self) -> RetryingFunctionExecutor:
        self.executor.__enter__()
        return self

    def __exit__(self, exc_type: object, exc_value: object, traceback: object) -> None:
        self.executor.__exit__(exc_type, exc_value, traceback)

    def _retries_to_use(self, retries: int | None) -> int:
        if retries is not None:
            return retries
        configured: int = self.config.get("lithops", {}).get("retries", 0)
        return configured

    def map(self, map_function: Callable[..., Any], map_iterdata: Any, chunksize: int | None = None,
            extra_args: Any = None, extra_env: Mapping[str, str] | None = None, runtime_memory: int | None = None,
            obj_chunk_size: int | None = None, obj_chunk_number: int | None = None, obj_newline: str = "\n",
            timeout: float | None = None, include_modules: Sequence[str] | None = [],
            exclude_modules: Sequence[str] | None = [], retries: int | None = None) -> list[RetryingFuture]:
        """map() with a retry budget per call: a list of RetryingFuture."""
        retries_to_use = self._retries_to_use(retries)
        map_kwargs = dict(chunksize=chunksize, extra_args=extra_args, extra_env=extra_env,
                          runtime_memory=runtime_memory, obj_chunk_size=obj_chunk_size,
                          obj_chunk_number=obj_chunk_number, obj_newline=obj_newline, timeout=timeout,
                          include_modules=include_modules, exclude_modules=exclude_modules)
        futures_list = self.executor.map(map_function, map_iterdata, **map_kwargs)
        return [RetryingFuture(f, map_function=map_function, input=i, retries=retries_to_use, **map_kwargs)
                for i, f in zip(map_iterdata, futures_list)]

    def _split_done_and_retried(self, done: list[ResponseFuture], pending: list[ResponseFuture],
                                lookup: dict[int, RetryingFuture]) -> tuple[list[RetryingFuture], list[RetryingFuture]]:
        retrying_done = []
        retrying_pending = [lookup[id(response_future)] for response_future in pending]
        for response_future in done:
            retrying_future = lookup[id(response_future)]
            if not response_future.error:
                retrying_done.append(retrying_future)
                continue
            retrying_future._inc_failure_count()
            if not retrying_future._should_retry():
                retrying_done.append(retrying_future)
                continue
            retrying_future._retry(self.executor)
            retrying_pending.append(retrying_future)
            lookup[id(retrying_future.response_future)] = retrying_future
        return retrying_done, retrying_pending

    @staticmethod
    def _wait_is_over(return_when: int, retrying_done: list[RetryingFuture],
                      retrying_pending: list[RetryingFuture]) -> bool:
        if return_when == ALWAYS:
            return True
        if return_when == ANY_COMPLETED:
            return bool(retrying_done)
        if return_when == ALL_COMPLETED:
            return not retrying_pending
        return False

    def wait(self, fs: list[RetryingFuture], throw_except: bool = True, return_when: int = ALL_COMPLETED,
             download_results: bool = False, timeout: float | None = None, threadpool_size: int = THREADPOOL_SIZE,
             wait_dur_sec: float | None = WAIT_DUR_SEC,
             show_progressbar: bool = True) -> tuple[list[RetryingFuture], list[RetryingFuture]]:
        """Waits for the calls, sending failed ones again while they have retries left; (done, pending) lists of
        RetryingFuture."""
        lookup = {id(f.response_future): f for f in fs}
        while True:
            done, pending = self.executor.wait(
                [f.response_future for f in fs], throw_except=throw_except, return_when=return_when,
                download_results=download_results, timeout=timeout, threadpool_size=threadpool_size,
                wait_dur_sec=wait_dur_sec, show_progressbar=show_progressbar)
            retrying_done, retrying_pending = self._split_done_and_retried(done, pending, lookup)
            if self._wait_is_over(return_when, retrying_done, retrying_pending):
                return retrying_done, retrying_pending

    def clean(self, fs: Any = None, cs: Any = None, clean_cloudobjects: bool = True, clean_fn: bool = False,
              force: bool = False) -> None:
        """Deletes the objects of the finished jobs (FunctionExecutor.clean)."""
        self.executor.clean(fs, cs, clean_cloudobjects, clean_fn, force)
