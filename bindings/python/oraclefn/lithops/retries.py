"""lithops.retries: RetryingFunctionExecutor and RetryingFuture (oraclefn.retries)."""
from ..retries import RetryingFunctionExecutor, RetryingFuture

__all__ = ["RetryingFunctionExecutor", "RetryingFuture"]
