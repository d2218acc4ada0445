"""Object Storage, shaped like Lithops' storage API (`lithops.Storage`).

Every method takes the bucket first, as Lithops' do; `Storage.bucket` is the configured
`oracle_oss.storage_bucket`. A missing object raises NotFoundError, which is also a KeyError.
"""
import ctypes
import fnmatch
import io
import json
import os

from . import _lib
from .config import Config, load_config


class _StorageHandle(_lib.Handle):
    _free = _lib.lib.ofn_storage_free


def as_config(config):
    """A Config from a Config, a path, or None (the configuration Lithops would find)."""
    return config if isinstance(config, Config) else load_config(config)


def payload(body, name="body"):
    """(argument, size) for bytes the library reads during one call: bytes and writable buffers
    are passed in place, without a copy; str is UTF-8; a file-like object is read."""
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(body, bytes):
        return body, len(body)
    if isinstance(body, (bytearray, memoryview)):
        view = memoryview(body)
        if view.readonly or not view.contiguous:
            data = view.tobytes()
            return data, len(data)
        return (ctypes.c_char * view.nbytes).from_buffer(view.cast("B")), view.nbytes
    raise TypeError("%s must be bytes, bytearray, memoryview, str or a file-like object, not %s" % (name, type(body).__name__))


def _range(extra_get_args):
    """(first, last) for ofn_storage_get from Lithops' extra_get_args={'Range': 'bytes=A-B'}."""
    spec = (extra_get_args or {}).get("Range")
    if spec is None:
        return -1, -1
    if not isinstance(spec, str) or not spec.startswith("bytes=") or "," in spec or "-" not in spec:
        raise ValueError("Range must look like 'bytes=0-99', 'bytes=100-' or 'bytes=-100', not %r" % (spec,))
    first, last = spec[len("bytes="):].split("-", 1)
    try:
        return (int(first) if first else -1), (int(last) if last else -1)
    except ValueError:
        raise ValueError("Range must look like 'bytes=0-99', 'bytes=100-' or 'bytes=-100', not %r" % (spec,)) from None


class Storage(_lib.HandleOwner):
    """An Object Storage client for a configuration's oracle_oss section.

    >>> storage = Storage(load_config())
    >>> storage.put_object(storage.bucket, "data/x.txt", b"hello")
    >>> storage.get_object(storage.bucket, "data/x.txt")
    b'hello'
    """

    backend = "oracle_oss"

    def __init__(self, config=None):
        config = as_config(config)
        raw = ctypes.c_void_p()
        _lib.lib.ofn_storage_new(ctypes.byref(raw), config.session.raw)
        self._handle = _StorageHandle(raw.value)
        #: the configured storage_bucket, or None
        self.bucket = config["oracle_oss"].get("storage_bucket")

    def namespace(self):
        """The tenancy's Object Storage namespace, which also names its registry's images: the configured
        tenancy_namespace, else asked of the service once."""
        buf = _lib.Buf()
        _lib.lib.ofn_storage_namespace(ctypes.byref(buf), self._handle.raw)
        return buf.take().decode("utf-8")

    def create_bucket(self, bucket):
        """Creates the bucket in the configured compartment; ConflictError when it exists."""
        _lib.lib.ofn_storage_create_bucket(self._handle.raw, _lib.encode(bucket, "bucket"))

    def put_object(self, bucket, key, body):
        """Stores `body` (bytes, bytearray, memoryview, str or a file-like object) as `key`; large
        bodies go up in parts."""
        data, size = payload(body)
        _lib.lib.ofn_storage_put(self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"), data, size, None)

    def upload_file(self, file_name, bucket, key=None):
        """Stores the file `file_name` as `key` (default: the file's name), read while it is sent."""
        key = key if key is not None else os.path.basename(os.fspath(file_name))
        _lib.lib.ofn_storage_put_file(
            self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"), _lib.encode(file_name, "file_name"), None)
        return True

    def get_object(self, bucket, key, stream=False, extra_get_args=None):
        """The object's bytes (a file-like object with `stream=True`); `extra_get_args={'Range':
        'bytes=A-B'}` reads part of it. NotFoundError (a KeyError) when it does not exist."""
        first, last = _range(extra_get_args)
        buf = _lib.Buf()
        _lib.lib.ofn_storage_get(ctypes.byref(buf), self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"), first, last)
        data = buf.take()
        return io.BytesIO(data) if stream else data

    def download_file(self, bucket, key, file_name=None):
        """Writes the object to `file_name` (default: the key's last part)."""
        file_name = file_name if file_name is not None else key.rsplit("/", 1)[-1]
        with open(file_name, "wb") as f:
            f.write(self.get_object(bucket, key))
        return True

    def head_object(self, bucket, key):
        """The object's headers as a dict (lowercase names: 'content-length', 'etag', ...)."""
        buf = _lib.Buf()
        _lib.lib.ofn_storage_head(ctypes.byref(buf), self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"))
        return json.loads(buf.take().decode("utf-8"))

    def _list(self, bucket, prefix, delimiter=None):
        buf = _lib.Buf()
        _lib.lib.ofn_storage_list(
            ctypes.byref(buf), self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(prefix, "prefix"),
            _lib.encode(delimiter, "delimiter"))
        return json.loads(buf.take().decode("utf-8"))

    def list_objects(self, bucket, prefix=None, match_pattern=None):
        """Every object under `prefix` as Lithops lists them: dicts with 'Key', 'Size', 'LastModified'
        and 'ETag'; `match_pattern` (a glob) filters the keys."""
        objects = self._list(bucket, prefix)["objects"]
        return [{"Key": o["name"], "Size": o.get("size", 0), "LastModified": o.get("timeModified"), "ETag": o.get("etag")}
                for o in objects if match_pattern is None or fnmatch.fnmatch(o["name"], match_pattern)]

    def list_keys(self, bucket, prefix=None):
        """The names of every object under `prefix`, in name order."""
        return [o["name"] for o in self._list(bucket, prefix)["objects"]]

    def list_prefixes(self, bucket, prefix=None):
        """The "folders" right below `prefix`: names up to the next '/' after it."""
        return self._list(bucket, prefix, "/")["prefixes"]

    def delete_object(self, bucket, key):
        """Deletes the object; NotFoundError when it does not exist."""
        _lib.lib.ofn_storage_delete(self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"))

    def delete_objects(self, bucket, key_list):
        """Deletes the objects, several at a time; missing ones are skipped."""
        keys = list(key_list)
        if keys:
            _lib.lib.ofn_storage_delete_many(self._handle.raw, _lib.encode(bucket, "bucket"), json.dumps(keys).encode("utf-8"))
