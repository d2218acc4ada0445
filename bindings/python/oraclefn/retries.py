"""Retrying calls whose function failed, as Lithops' RetryingFunctionExecutor (lithops.retries) does: a failed
call (an exception, a timeout, a lost worker) is sent again as a new job of one call, with the same input and
options, until it succeeds or `retries` more attempts have failed."""
from .futures import ALL_COMPLETED, ALWAYS, ANY_COMPLETED, THREADPOOL_SIZE, WAIT_DUR_SEC

__all__ = ["RetryingFunctionExecutor", "RetryingFuture"]


class RetryingFuture:
    """A call that is sent again when it fails: `response_future` is the latest attempt's future."""

    def __init__(self, response_future, map_function, input, retries=None, **kwargs):
        self.response_future = response_future
        self.map_function = map_function
        self.input = input
        self.retries = retries or 0
        self.map_kwargs = kwargs
        self.failure_count = 0
        self.cancelled = False

    def _inc_failure_count(self):
        self.failure_count += 1

    def _should_retry(self):
        return not self.cancelled and self.failure_count <= self.retries

    def _retry(self, function_executor):
        self.response_future = function_executor.map(self.map_function, [self.input], **self.map_kwargs)[0]

    def cancel(self):
        """No more attempts after this one (which is left to end)."""
        self.cancelled = True

    @property
    def done(self):
        return self.response_future.done

    @property
    def error(self):
        return self.response_future.error

    @property
    def _exception(self):
        return self.response_future._exception

    @property
    def stats(self):
        return self.response_future.stats

    def _reraise_if_error(self):
        if self.response_future.error:
            kind, value, traceback = self.response_future._exception
            raise value.with_traceback(traceback)

    def status(self, throw_except=True, internal_storage=None, check_only=False):
        status = self.response_future.status(throw_except=throw_except, internal_storage=internal_storage,
                                             check_only=check_only)
        self._reraise_if_error()
        return status

    def result(self, throw_except=True, internal_storage=None):
        """The latest attempt's result; its exception when every attempt failed."""
        value = self.response_future.result(throw_except=throw_except, internal_storage=internal_storage)
        self._reraise_if_error()
        return value


class RetryingFunctionExecutor:
    """A FunctionExecutor whose map() calls are sent again when they fail, up to `retries` times (map's argument,
    else the configuration's lithops.retries). wait() does the retrying."""

    def __init__(self, executor):
        self.executor = executor
        self.config = executor.config

    def __enter__(self):
        self.executor.__enter__()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.executor.__exit__(exc_type, exc_value, traceback)

    def _retries_to_use(self, retries):
        if retries is not None:
            return retries
        return self.config.get("lithops", {}).get("retries", 0)

    def map(self, map_function, map_iterdata, chunksize=None, extra_args=None, extra_env=None,
            runtime_memory=None, obj_chunk_size=None, obj_chunk_number=None, obj_newline="\n", timeout=None,
            include_modules=[], exclude_modules=[], retries=None):
        """map() with a retry budget per call: a list of RetryingFuture."""
        retries_to_use = self._retries_to_use(retries)
        map_kwargs = dict(chunksize=chunksize, extra_args=extra_args, extra_env=extra_env,
                          runtime_memory=runtime_memory, obj_chunk_size=obj_chunk_size,
                          obj_chunk_number=obj_chunk_number, obj_newline=obj_newline, timeout=timeout,
                          include_modules=include_modules, exclude_modules=exclude_modules)
        futures_list = self.executor.map(map_function, map_iterdata, **map_kwargs)
        return [RetryingFuture(f, map_function=map_function, input=i, retries=retries_to_use, **map_kwargs)
                for i, f in zip(map_iterdata, futures_list)]

    def _split_done_and_retried(self, done, pending, lookup):
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
    def _wait_is_over(return_when, retrying_done, retrying_pending):
        if return_when == ALWAYS:
            return True
        if return_when == ANY_COMPLETED:
            return bool(retrying_done)
        if return_when == ALL_COMPLETED:
            return not retrying_pending
        return False

    def wait(self, fs, throw_except=True, return_when=ALL_COMPLETED, download_results=False, timeout=None,
             threadpool_size=THREADPOOL_SIZE, wait_dur_sec=WAIT_DUR_SEC, show_progressbar=True):
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

    def clean(self, fs=None, cs=None, clean_cloudobjects=True, clean_fn=False, force=False):
        self.executor.clean(fs, cs, clean_cloudobjects, clean_fn, force)
