"""lithops.utils: the helpers Lithops programs and tests import (FuturesList, verify_args, ...), on oraclefn."""
import os
import uuid

from ..binding import chained_futures as _chained_futures, format_data, is_object_processing_function, \
    iterdata_items as _as_iterdata_list, verify_args
from .. import partitioner as _partitioner
from ..futures import FuturesList, as_future_list as _as_future_list
from ..worker import calls as _calls

__all__ = ["FuturesList", "verify_args", "format_data", "is_object_processing_function", "create_futures_list",
           "is_lithops_worker", "split_object_url", "split_path", "log_prefix", "uuid_str", "is_unix_system",
           "is_notebook", "sizeof_fmt", "_as_future_list", "_chained_futures", "_as_iterdata_list"]


def create_futures_list(futures, executor):
    """A FuturesList bound to the executor that made the futures."""
    return FuturesList(futures, executor)


def is_lithops_worker():
    """Whether this code runs inside a function (a call of a job)."""
    return _calls.JOB_VARIABLE in os.environ


def uuid_str():
    return str(uuid.uuid4())


def is_unix_system():
    return os.name == "posix"


def is_notebook():
    try:
        return get_ipython().__class__.__name__ == "ZMQInteractiveShell"  # noqa: F821
    except NameError:
        return False


def log_prefix(executor_id, job_id=None, call_id=None):
    parts = [f"ExecutorID {executor_id}"]
    if job_id is not None:
        parts.append(f"JobID {job_id}")
    if call_id is not None:
        parts.append(f"CallID {call_id}")
    return " | ".join(parts)


def sizeof_fmt(num, suffix="B"):
    for unit in ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi"]:
        if abs(num) < 1024.0:
            return "%3.1f%s%s" % (num, unit, suffix)
        num /= 1024.0
    return "%.1f%s%s" % (num, "Yi", suffix)


def split_object_url(obj_url):
    """(storage backend, bucket, prefix, object name) of a data URL such as oracle_oss://bucket/prefix/name; a URL
    ending in '/' names a folder (no object name). The partitioner's reading, with Lithops' `oci` scheme too."""
    backend, bucket, prefix, name = _partitioner.split_object_url(obj_url)
    return ("oracle_oss" if backend == "oci" else backend), bucket, prefix, name


def split_path(path):
    """(bucket, key or None) of a storage path /bucket/key."""
    path = path[1:] if path.startswith("/") else path
    index = path.find("/")
    return (path[:index], path[index + 1:]) if index > 0 else (path, None)
