"""The job's bucket as the worker reads and writes it: the oci SDK, signed with the function's resource principal.

Oracle Functions (and the emulator) put the resource principal in the function's environment
(`OCI_RESOURCE_PRINCIPAL_*`); the envelope carries no credentials.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Mapping


class StorageError(RuntimeError):
    """An object could not be read or written."""


class Bucket:
    """One bucket of Object Storage, through one oci client (connections reused across calls)."""

    def __init__(self, client: Any, namespace: str, bucket: str) -> None:
        self._client = client
        self._namespace = namespace
        self._bucket = bucket

    def get(self, name: str, offset: int | None = None, size: int | None = None) -> bytes:
        """The object's bytes, or `size` bytes of it from `offset`."""
        if size == 0:
            return b""
        extra = {} if offset is None or size is None else {"range": f"bytes={offset}-{offset + size - 1}"}
        try:
            answer = self._client.get_object(self._namespace, self._bucket, name, **extra)
        except Exception as error:
            raise StorageError(f"cannot read {name} from bucket {self._bucket}: {_describe(error)}") from None
        content: bytes = answer.data.content
        return content

    def exists(self, name: str) -> bool:
        """Whether the object is there."""
        try:
            self._client.head_object(self._namespace, self._bucket, name)
            return True
        except Exception as error:
            if getattr(error, "status", None) == 404:
                return False
            raise StorageError(f"cannot look for {name} in bucket {self._bucket}: {_describe(error)}") from None

    def put(self, name: str, data: bytes) -> None:
        """Writes the object."""
        try:
            self._client.put_object(self._namespace, self._bucket, name, data)
        except Exception as error:
            raise StorageError(f"cannot write {name} to bucket {self._bucket}: {_describe(error)}") from None


class Buckets:
    """Bucket handles by (endpoint, namespace, bucket), made once per worker process."""

    def __init__(self, make_client: Callable[[str | None], Any] | None = None) -> None:
        self._make_client = make_client or resource_principal_client
        self._clients: dict[str | None, Any] = {}
        self._lock = threading.Lock()

    def open(self, storage: Mapping[str, Any]) -> Bucket:
        """The bucket an envelope's `storage` names."""
        endpoint = storage.get("endpoint")
        with self._lock:
            client = self._clients.get(endpoint)
            if client is None:
                client = self._clients[endpoint] = self._make_client(endpoint)
        return Bucket(client, storage["namespace"], storage["bucket"])


def resource_principal_client(endpoint: str | None) -> Any:
    """An Object Storage client signed by the function's resource principal; `endpoint` None: its region's."""
    import oci  # loaded on the first call that needs storage: a sync job without storage never pays for it

    try:
        signer = oci.auth.signers.get_resource_principals_signer()
    except Exception as error:
        raise StorageError(
            "the function has no usable resource principal (OCI_RESOURCE_PRINCIPAL_VERSION, _RPST, _PRIVATE_PEM, "
            f"_REGION): {_describe(error)}; Oracle Functions and the oraclefn emulator set them for every function"
        ) from None
    options = {"service_endpoint": endpoint} if endpoint else {}
    return oci.object_storage.ObjectStorageClient(
        {"region": signer.region}, signer=signer, retry_strategy=oci.retry.DEFAULT_RETRY_STRATEGY, **options)


def _describe(error: BaseException) -> str:
    status = getattr(error, "status", None)
    code = getattr(error, "code", None)
    message = getattr(error, "message", None) or str(error)
    return f"{status} {code}: {message}" if status and code else f"{type(error).__name__}: {message}"
