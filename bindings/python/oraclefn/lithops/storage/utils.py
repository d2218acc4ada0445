"""lithops.storage.utils: CloudObject, StorageNoSuchKeyError and Lithops' key helpers, on oraclefn."""
from __future__ import annotations

from ...errors import StorageNoSuchKeyError
from ...storage import CloudObject, CloudObjectUrl

__all__ = ["CloudObject", "CloudObjectUrl", "StorageNoSuchKeyError", "create_job_key"]


def create_job_key(executor_id: str, job_id: str) -> str:
    """Lithops' key of a job: '<executor_id>-<job_id>'."""
    return "-".join([executor_id, job_id])
