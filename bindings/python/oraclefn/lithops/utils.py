"""lithops.utils: the helpers Lithops programs and tests import (FuturesList, verify_args, ...), on oraclefn."""
from __future__ import annotations

import builtins
import os
import uuid
from typing import TYPE_CHECKING, Iterable

from ..binding import chained_futures as _chained_futures, format_data, is_object_processing_function, \
    iterdata_items as _as_iterdata_list, verify_args
from .. import partitioner as _partitioner
from ..futures import FuturesList, as_future_list as _as_future_list
from ..futures import ResponseFuture
from ..worker import calls as _calls

if TYPE_CHECKING:
    from ..executor import FunctionExecutor

__all__ = ["FuturesList", "verify_args", "format_data", "is_object_processing_function", "create_futures_list",
           "is_lithops_worker", "split_object_url", "split_path", "log_prefix", "uuid_str", "is_unix_system",
           "is_notebook", "sizeof_fmt", "_as_future_list", "_chained_futures", "_as_iterdata_list"]


def create_futures_list(futures: Iterable[ResponseFuture], executor: FunctionExecutor) -> FuturesList:
    """A FuturesList bound to the executor that made the futures."""
    return FuturesList(futures, executor)


def is_lithops_worker() -> bool:
    """Whether this code runs inside a function (a call of a job)."""
    return _calls.JOB_VARIABLE in os.environ


def uuid_str() -> str:
    """A random UUID, as text."""
    return str(uuid.uuid4())


def is_unix_system() -> bool:
    """Whether this is a POSIX system."""
    return os.name == "posix"


def is_notebook() -> bool:
    """Whether this runs in a Jupyter notebook (an IPython kernel)."""
    get_ipython = getattr(builtins, "get_ipython", None)  # IPython's kernel puts it there
    return get_ipython is not None and type(get_ipython()).__name__ == "ZMQInteractiveShell"


def log_prefix(executor_id: str, job_id: str | None = None, call_id: str | None = None) -> str:
    """Lithops' prefix of a log line: 'ExecutorID e | JobID j | CallID c'."""
    parts = [f"ExecutorID {executor_id}"]
    if job_id is not None:
        parts.append(f"JobID {job_id}")
    if call_id is not None:
        parts.append(f"CallID {call_id}")
    return " | ".join(parts)


def sizeof_fmt(num: float, suffix: str = "B") -> str:
    """A size in binary units, as Lithops prints them: 1.5KiB, 3.0MiB, ..."""
    for unit in ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi"]:
        if abs(num) < 1024.0:
            return "%3.1f%s%s" % (num, unit, suffix)
        num /= 1024.0
    return "%.1f%s%s" % (num, "Yi", suffix)


def split_object_url(obj_url: str) -> tuple[str | None, str, str, str]:
    """(storage backend, bucket, prefix, object name) of a data URL such as oracle_oss://bucket/prefix/name; a URL
    ending in '/' names a folder (no object name). The partitioner's reading, with Lithops' `oci` scheme too."""
    backend, bucket, prefix, name = _partitioner.split_object_url(obj_url)
    return ("oracle_oss" if backend == "oci" else backend), bucket, prefix, name


def split_path(path: str) -> tuple[str, str | None]:
    """(bucket, key or None) of a storage path /bucket/key."""
    path = path[1:] if path.startswith("/") else path
    index = path.find("/")
    return (path[:index], path[index + 1:]) if index > 0 else (path, None)
