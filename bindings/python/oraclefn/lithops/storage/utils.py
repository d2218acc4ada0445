"""lithops.storage.utils: CloudObject, StorageNoSuchKeyError and Lithops' key helpers, from oraclefn.storage
when it has them."""
from ... import errors
from ... import storage as _storage

__all__ = ["CloudObject", "StorageNoSuchKeyError", "create_job_key"]

#: A missing object: oraclefn raises NotFoundError (also a KeyError) for it.
StorageNoSuchKeyError = getattr(_storage, "StorageNoSuchKeyError", errors.NotFoundError)


class _CloudObject:
    """An object in storage made by Storage.put_cloudobject (Lithops' CloudObject)."""

    def __init__(self, backend, bucket, key):
        self.backend = backend
        self.bucket = bucket
        self.key = key

    def __repr__(self):
        return f"<CloudObject {self.backend}://{self.bucket}/{self.key}>"

    def __eq__(self, other):
        return (isinstance(other, _CloudObject) and
                (self.backend, self.bucket, self.key) == (other.backend, other.bucket, other.key))

    def __hash__(self):
        return hash((self.backend, self.bucket, self.key))


CloudObject = getattr(_storage, "CloudObject", _CloudObject)


def create_job_key(executor_id, job_id):
    """Lithops' key of a job: '<executor_id>-<job_id>'."""
    return "-".join([executor_id, job_id])
