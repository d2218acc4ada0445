"""lithops.concurrent: concurrent.futures executors that run their callables on Oracle Functions
(oraclefn.concurrent)."""
from ...concurrent import (ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, BrokenExecutor, CancelledError,
                           Executor, FunctionExecutor, Future, InvalidStateError, LocalhostExecutor,
                           ProcessPoolExecutor, ServerlessExecutor, StandaloneExecutor, ThreadPoolExecutor,
                           TimeoutError, as_completed, wait)

__all__ = ["ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION", "BrokenExecutor", "CancelledError", "Executor",
           "FunctionExecutor", "Future", "InvalidStateError", "LocalhostExecutor", "ProcessPoolExecutor",
           "ServerlessExecutor", "StandaloneExecutor", "ThreadPoolExecutor", "TimeoutError", "as_completed", "wait"]
