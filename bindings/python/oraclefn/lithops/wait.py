"""lithops.wait: wait() and get_result() over futures of any executors, and the return_when constants."""
from ..futures import ALL_COMPLETED, ALWAYS, ANY_COMPLETED, THREADPOOL_SIZE, WAIT_DUR_SEC, get_result, wait

__all__ = ["ALL_COMPLETED", "ALWAYS", "ANY_COMPLETED", "THREADPOOL_SIZE", "WAIT_DUR_SEC", "wait", "get_result"]
