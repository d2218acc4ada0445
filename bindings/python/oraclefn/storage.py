"""Object Storage, shaped like Lithops' storage API (`lithops.Storage`, Lithops 3.8.0).

Every method takes the bucket first, as Lithops' do; `Storage.bucket` is the configured
`oracle_oss.storage_bucket` (else oraclefn's default bucket, the executor's). A missing object, or a missing
bucket, raises StorageNoSuchKeyError, which is a NotFoundError and a KeyError.
"""
from __future__ import annotations

import contextlib
import ctypes
import fnmatch
import io
import itertools
import json
import os
import stat
import tempfile
import uuid
from typing import IO, Any, Iterable, Iterator, Literal, Mapping, Union, overload

from . import _lib, errors
from .config import Config, load_config, locate_config, parse_config
from .worker import calls
from .worker.objects import BACKEND, CloudObject, CloudObjectUrl

__all__ = ["CloudObject", "CloudObjectUrl", "Storage", "StorageNoSuchKeyError", "TEMP_PREFIX", "default_bucket"]

StorageNoSuchKeyError = errors.StorageNoSuchKeyError

#: Where put_cloudobject() stores an object it names: TEMP_PREFIX/<session>/cloudobject_<n>.
TEMP_PREFIX = "oraclefn.jobs/tmp"
#: The session put_cloudobject() names its objects after; inside a function's call, "<job id>-<call id>".
SESSION_VARIABLE = calls.SESSION_VARIABLE
#: A storage-only configuration (no oracle_f section, or Lithops' `backend: localhost`) is completed with this
#: subnet so that the library's configuration accepts it. It is never used: a Storage calls no Functions API.
PLACEHOLDER_SUBNET = "ocid1.subnet.oc1..storageonlyunusedplaceholder"
#: The keys of Lithops' merged oracle_oss section that belong to the account (the `oracle` section).
ACCOUNT_KEYS = ("user", "tenancy", "fingerprint", "key_file", "region", "compartment_id", "tenancy_namespace",
                "pass_phrase", "auth", "config_file", "profile", "security_token_file", "auth_endpoint")
#: get_object(stream=True) reads the object in ranged requests of this size, so at most about one block of it is
#: in memory at a time.
STREAM_BLOCK = 8 * 1024 * 1024
#: put_object() copies a file-like object that is not a file on disk (a pipe, a socket, an HTTP answer) to a
#: temporary file in chunks of this size before sending it, so it is never held in memory whole.
SPOOL_CHUNK = 1024 * 1024

#: What a Storage, Functions, ... takes as its configuration: a Config, a file's path, or None (the usual one).
ConfigLike = Union[Config, str, "os.PathLike[str]", None]
#: What a Storage takes as its configuration: also Lithops' configuration dict.
StorageConfigLike = Union[Config, Mapping[str, Any], str, "os.PathLike[str]", None]
#: The bytes to send: bytes-like, str (sent as UTF-8) or a file-like object (read whole).
Body = Union[bytes, bytearray, memoryview, str, IO[bytes], IO[str]]

_PROCESS_SESSION = uuid.uuid4().hex[:12]
_CLOUDOBJECTS = itertools.count()


class _StorageHandle(_lib.Handle):
    _free = _lib.lib.ofn_storage_free


def as_config(config: ConfigLike) -> Config:
    """A Config from a Config, a path, or None (the configuration Lithops would find)."""
    return config if isinstance(config, Config) else load_config(config)


def default_bucket(config: Mapping[str, Any]) -> str:
    """oraclefn's default bucket, as FunctionExecutor names it: oraclefn-<region>-<7 characters of the user
    OCID> (of the compartment's, for credentials without a user)."""
    user = config["oracle"].get("user") or config["oracle"]["compartment_id"]
    return f"oraclefn-{config['oracle']['region']}-{user[-8:-1]}"


def resolve_storage_config(config: StorageConfigLike = None, backend: str | None = None,
                           storage_config: dict[str, Any] | None = None) -> Config:
    """The Config a Storage uses (see _resolve)."""
    return _resolve(config, backend, storage_config)[0]


def _resolve(config: StorageConfigLike = None, backend: str | None = None,
             storage_config: dict[str, Any] | None = None) -> tuple[Config, bool]:
    """(the Config a Storage uses, whether it is the embedded emulator's), from Lithops' Storage arguments:

    - `storage_config`: Lithops' storage configuration (`{'backend': 'oracle_oss', 'oracle_oss': {...}}`, as
      lithops.config.extract_storage_config makes it, the oracle keys merged into oracle_oss), or sections;
    - `config`: an oraclefn Config, the path of a configuration file, or a Lithops configuration dict;
    - neither: inside a function, the configuration of the job that called it ($ORACLEFN_JOB, signed with the
      function's resource principal); else the file Lithops would find; else the embedded emulator's, as
      FunctionExecutor() does.

    A configuration for storage only works: with no oracle_f section, or with Lithops' `backend: localhost`
    (or another compute backend) beside `storage: oracle_oss`. The library's configuration wants a complete
    oracle_f section, so such a configuration is completed here with a placeholder subnet_id, which nothing
    uses: a Storage never calls Oracle Functions."""
    if backend is not None and backend != BACKEND:
        raise errors.ConfigError(f"oraclefn's Storage keeps data in {BACKEND} (Oracle Object Storage) only, not in "
                                 f"{backend!r}; pass backend='{BACKEND}' or leave it out")
    if storage_config:
        if not isinstance(storage_config, dict):
            raise TypeError(f"storage_config must be a dict, as lithops.config.extract_storage_config makes it, "
                            f"not {type(storage_config).__name__}")
        return _from_dict(_sections_of_storage_config(storage_config)), False
    if isinstance(config, Config):
        _check_storage_backend(config["lithops"].get("storage"))
        return config, False
    if isinstance(config, dict):
        return _from_dict(config, backend), False
    if config is not None and not isinstance(config, (str, os.PathLike)):
        raise TypeError(f"config must be a configuration dict, an oraclefn Config or a file path, not "
                        f"{type(config).__name__}")
    if config is None:
        calling_job = os.environ.get(calls.JOB_VARIABLE)
        if calling_job:
            return _from_dict(json.loads(calling_job)["config"]), False
        if locate_config() is None:
            from . import emulator
            return load_config(emulator.shared().config_file), True
    return _load_file(config), False


def _check_storage_backend(storage: object) -> None:
    if storage not in (None, BACKEND):
        raise errors.ConfigError(f"the configuration keeps data in {storage!r} (lithops.storage), but oraclefn's "
                                 f"Storage speaks {BACKEND} (Oracle Object Storage) only; set storage: {BACKEND}")


def _sections_of_storage_config(storage_config: dict[str, Any]) -> dict[str, Any]:
    """Configuration sections from Lithops' storage configuration (or sections given as one)."""
    if "backend" not in storage_config:
        return storage_config
    backend = storage_config["backend"]
    if backend != BACKEND:
        raise errors.ConfigError(f"the storage configuration is for {backend!r}; oraclefn's Storage speaks "
                                 f"{BACKEND} (Oracle Object Storage) only")
    section = dict(storage_config.get(BACKEND) or {})
    lithops = {"storage": BACKEND}
    if storage_config.get("monitoring_interval") is not None:
        lithops["monitoring_interval"] = storage_config["monitoring_interval"]
    sections = {"lithops": lithops, "oracle_oss": section}
    if "oracle" in storage_config:
        sections["oracle"] = storage_config["oracle"]
    return sections


def _from_dict(config: Mapping[str, Any], backend: str | None = None) -> Config:
    """A Config from Lithops' configuration dict, completed for storage when it has no usable oracle_f."""
    sections = {name: dict(value) if isinstance(value, dict) else value for name, value in config.items()}
    lithops = sections.setdefault("lithops", {})
    if not isinstance(lithops, dict):
        raise errors.ConfigError("the \"lithops\" section must be a mapping of keys to values")
    _check_storage_backend(backend or lithops.get("storage"))
    lithops["storage"] = BACKEND
    storage = sections.get(BACKEND) or {}
    if "oracle" not in sections and any(key in storage for key in ACCOUNT_KEYS):
        # Lithops' storage sections carry the oracle keys merged in: they are the account
        sections["oracle"] = {key: storage[key] for key in ACCOUNT_KEYS if key in storage}
    functions = sections.get("oracle_f")
    storage_only = lithops.get("backend", "oracle_f") != "oracle_f" or not isinstance(functions, dict) \
        or not functions.get("subnet_id")
    if storage_only:
        for key, accepted in (("backend", "oracle_f"), ("mode", "serverless"), ("monitoring", "storage")):
            if lithops.get(key, accepted) != accepted:
                del lithops[key]
        # never used for Functions: see PLACEHOLDER_SUBNET
        sections["oracle_f"] = {"subnet_id": PLACEHOLDER_SUBNET}
    return parse_config(json.dumps(sections, default=str))


def _load_file(path: str | os.PathLike[str] | None) -> Config:
    """A Config from a file (or the one Lithops would find), completed for storage when it needs it."""
    try:
        return load_config(path)
    except errors.ConfigError:
        pass
    # a storage-only file: the same, with what Functions would need set to placeholders nothing uses; what is still
    # wrong then is wrong for storage too, and that error is the one to read
    return load_config(path, lithops={"backend": "oracle_f", "mode": "serverless", "monitoring": "storage"},
                       oracle_f={"subnet_id": PLACEHOLDER_SUBNET})


@contextlib.contextmanager
def _missing_is_no_such_key(bucket: str, key: str = "") -> Iterator[None]:
    """Turns the library's NotFoundError into Lithops' StorageNoSuchKeyError(bucket, key)."""
    try:
        yield
    except errors.StorageNoSuchKeyError:
        raise
    except errors.NotFoundError as error:
        raise errors.StorageNoSuchKeyError(bucket, key, error.message, error.code, error.http_status or 404,
                                           error.opc_request_id) from None


def payload(body: Body, name: str = "body") -> tuple[Any, int]:
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


def _range(extra_get_args: Mapping[str, Any] | None) -> tuple[int, int]:
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


def _span(first: int, last: int, size: int) -> tuple[int, int]:
    """[start, end) of a `size`-byte object for ofn_storage_get's (first, last)."""
    if first == -1 and last == -1:
        return 0, size
    if first == -1:
        return max(0, size - last), size
    if first >= size and size:
        raise ValueError("the range starts at byte %d, past the end of the %d-byte object" % (first, size))
    return min(first, size), size if last == -1 else min(last + 1, size)


def _regular_file_descriptor(stream: IO[Any]) -> int | None:
    """The descriptor of a binary file-like object that is a regular file on disk; else None (a text file's
    position is not a byte offset, and its bytes are to be encoded as UTF-8)."""
    if isinstance(stream, io.TextIOBase):
        return None
    try:
        descriptor = stream.fileno()
        seekable = stream.seekable()
    except (AttributeError, OSError, ValueError):
        return None
    return descriptor if seekable and stat.S_ISREG(os.fstat(descriptor).st_mode) else None


class _ObjectReader(io.RawIOBase):
    """Bytes [start, end) of an object, read with one ranged request per readinto() (io.BufferedReader asks for
    STREAM_BLOCK bytes at a time)."""

    def __init__(self, storage: "Storage", bucket: str, key: str, start: int, end: int) -> None:
        super().__init__()
        self._storage, self._bucket, self._key = storage, bucket, key
        self._start, self._position, self._end = start, start, end

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position - self._start

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: self._start, os.SEEK_CUR: self._position, os.SEEK_END: self._end}[whence]
        if base + offset < self._start:
            raise ValueError("cannot seek to %d, before the start of the stream" % (base + offset - self._start))
        self._position = base + offset
        return self.tell()

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        count = min(len(view), self._end - self._position)
        if count <= 0:
            return 0
        buf = self._storage._get_buf(self._bucket, self._key, self._position, self._position + count - 1)
        try:
            if buf.size != count:
                raise OSError("%s/%s changed while it was read: asked for %d bytes at %d, got %d" % (
                    self._bucket, self._key, count, self._position - self._start, buf.size))
            # straight into the caller's buffer: one block in memory twice, not three times
            ctypes.memmove((ctypes.c_char * count).from_buffer(view), buf.ptr, count)
        finally:
            _lib.lib.ofn_buf_dispose(ctypes.byref(buf))
        self._position += count
        return count

    def readall(self) -> bytes:
        """The rest in one request (RawIOBase's would ask in small pieces)."""
        rest = bytearray(max(0, self._end - self._position))
        return bytes(rest[:self.readinto(rest)])


class Storage(_lib.HandleOwner):
    """An Object Storage client with the methods of Lithops' Storage (lithops.Storage).

    `Storage(config=None, backend=None, storage_config=None)` as Lithops takes them (see
    resolve_storage_config): an oraclefn Config, a configuration file's path, Lithops' configuration dict, or
    its storage configuration; none: the configuration of the calling job inside a function, else the one
    Lithops would find, else the embedded emulator's.

    >>> storage = Storage(load_config())
    >>> storage.put_object(storage.bucket, "data/x.txt", b"hello")
    >>> storage.get_object(storage.bucket, "data/x.txt")
    b'hello'
    """

    #: the storage backend, as Lithops names it
    backend = BACKEND

    def __init__(self, config: StorageConfigLike = None, backend: str | None = None,
                 storage_config: dict[str, Any] | None = None) -> None:
        resolved, embedded = _resolve(config, backend, storage_config)
        raw = ctypes.c_void_p()
        _lib.lib.ofn_storage_new(ctypes.byref(raw), resolved.session.raw)
        self._handle = _StorageHandle(raw.value)
        self._config = resolved
        #: the configured storage_bucket, else oraclefn's default bucket (the one FunctionExecutor uses)
        self.bucket = resolved["oracle_oss"].get("storage_bucket") or default_bucket(resolved)
        #: Lithops' storage configuration: {'backend': 'oracle_oss', 'oracle_oss': {...}, ...}
        self.config = {
            "monitoring_interval": resolved["lithops"].get("monitoring_interval", 2),
            "backend": BACKEND,
            BACKEND: {**resolved["oracle_oss"], "storage_bucket": self.bucket},
        }
        #: Lithops' name for the object that does the work
        self.storage_handler = self
        if embedded:  # the emulator this process started: its bucket, made ready as the executor makes it
            self.create_bucket(self.bucket)

    def __repr__(self) -> str:
        return f"<Storage {self.backend} bucket={self.bucket}>"

    def get_client(self) -> Storage:
        """The client of the backend: this Storage, as Lithops' oracle_oss backend returns itself."""
        return self

    def get_storage_config(self) -> dict[str, Any]:
        """Lithops' storage configuration of this Storage (secrets masked): Storage(storage_config=...) takes it."""
        return self.config

    def namespace(self) -> str:
        """The tenancy's Object Storage namespace, which also names its registry's images: the configured
        tenancy_namespace, else asked of the service once."""
        buf = _lib.Buf()
        _lib.lib.ofn_storage_namespace(ctypes.byref(buf), self._handle.raw)
        return buf.take().decode("utf-8")

    # -- buckets -------------------------------------------------------------------------------------------------

    def create_bucket(self, bucket: str, exist_ok: bool = True) -> None:
        """Creates the bucket in the configured compartment if it does not exist, as Lithops' create_bucket.
        With `exist_ok=False`, a bucket that exists already is a ConflictError."""
        try:
            _lib.lib.ofn_storage_create_bucket(self._handle.raw, _lib.encode(bucket, "bucket"))
        except errors.ConflictError as error:
            if not exist_ok or error.code not in ("BucketAlreadyExists", ""):
                raise

    def head_bucket(self, bucket: str) -> dict[str, Any]:
        """Lithops' answer when the bucket exists and can be read: {'ResponseMetadata': {'HTTPStatusCode': 200,
        'HTTPHeaders': {...}}}; StorageNoSuchKeyError(bucket, '') when it does not."""
        # one short listing (of a prefix nothing has) tells whether the bucket is there
        self._list(bucket, "oraclefn-head-bucket-" + uuid.uuid4().hex, missing_key="")
        return {"ResponseMetadata": {"HTTPStatusCode": 200,
                                     "HTTPHeaders": {"content-type": "application/xml", "server": "OracleStorage"}}}

    # -- objects -------------------------------------------------------------------------------------------------

    def put_object(self, bucket: str, key: str, body: Body) -> None:
        """Stores `body` (bytes, bytearray, memoryview, str or a file-like object, read from its position to its
        end) as `key`; large bodies go up in parts. A file on disk is read while it is sent; another file-like
        object is first copied to a temporary file; neither is held in memory whole. StorageNoSuchKeyError when
        the bucket does not exist."""
        if hasattr(body, "read") and not isinstance(body, io.BytesIO):
            self._put_stream(bucket, key, body)  # type: ignore[arg-type]  # a str or bytes has no read()
            return
        data, size = payload(body.getbuffer()[body.tell():] if isinstance(body, io.BytesIO) else body)
        with _missing_is_no_such_key(bucket, key):
            _lib.lib.ofn_storage_put(self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"), data,
                                     size, None)
        if isinstance(body, io.BytesIO):
            del data  # the view of its buffer, which keeps it from growing
            body.seek(0, os.SEEK_END)

    def _put_stream(self, bucket: str, key: str, stream: IO[Any]) -> None:
        """put_object() of a file-like object: a regular file's descriptor goes to the library, which reads it
        while sending; anything else is spooled to a temporary file first. The stream ends up consumed, as if read."""
        descriptor = _regular_file_descriptor(stream)
        if descriptor is None:
            with tempfile.TemporaryFile(prefix="oraclefn-upload-") as spool:
                # a text stream ends with "", not b""
                while chunk := stream.read(SPOOL_CHUNK):
                    spool.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                spool.flush()
                spool.seek(0)
                self._put_stream(bucket, key, spool)
            return
        os.lseek(descriptor, stream.tell(), os.SEEK_SET)  # the object's position, not its read-ahead's
        with _missing_is_no_such_key(bucket, key):
            _lib.lib.ofn_storage_put_fd(self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"),
                                        descriptor, None)
        stream.seek(0, os.SEEK_END)

    def upload_file(self, file_name: str | os.PathLike[str], bucket: str, key: str | None = None,
                    extra_args: object = None, config: object = None) -> bool:
        """Stores the file `file_name` as `key` (default: the file's name), read while it is sent; True.
        (`extra_args` and `config` are Lithops' boto3 transfer options, accepted and unused.)"""
        key = key if key is not None else os.path.basename(os.fspath(file_name))
        with _missing_is_no_such_key(bucket, key):
            _lib.lib.ofn_storage_put_file(self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"),
                                          _lib.encode(file_name, "file_name"), None)
        return True

    @overload
    def get_object(self, bucket: str, key: str, stream: Literal[False] = False,
                   extra_get_args: Mapping[str, Any] | None = None) -> bytes: ...

    @overload
    def get_object(self, bucket: str, key: str, stream: Literal[True],
                   extra_get_args: Mapping[str, Any] | None = None) -> io.BufferedReader: ...

    @overload
    def get_object(self, bucket: str, key: str, stream: bool,
                   extra_get_args: Mapping[str, Any] | None = None) -> bytes | io.BufferedReader: ...

    def get_object(self, bucket: str, key: str, stream: bool = False,
                   extra_get_args: Mapping[str, Any] | None = None) -> bytes | io.BufferedReader:
        """The object's bytes; with `stream=True` a file-like object that reads it in ranged requests of
        STREAM_BLOCK bytes as it is read. `extra_get_args={'Range': 'bytes=A-B'}` reads part of it.
        StorageNoSuchKeyError when it does not exist."""
        first, last = _range(extra_get_args)
        if stream:
            size = int(self.head_object(bucket, key)["content-length"])
            return io.BufferedReader(_ObjectReader(self, bucket, key, *_span(first, last, size)), STREAM_BLOCK)
        return self._get(bucket, key, first, last)

    def _get(self, bucket: str, key: str, first: int, last: int) -> bytes:
        data: bytes = self._get_buf(bucket, key, first, last).take()
        return data

    def _get_buf(self, bucket: str, key: str, first: int, last: int) -> _lib.Buf:
        """The object's bytes as the library hands them over: a Buf to take() or copy from, then dispose."""
        buf = _lib.Buf()
        with _missing_is_no_such_key(bucket, key):
            _lib.lib.ofn_storage_get(ctypes.byref(buf), self._handle.raw, _lib.encode(bucket, "bucket"),
                                     _lib.encode(key, "key"), first, last)
        return buf

    def download_file(self, bucket: str, key: str, file_name: str | os.PathLike[str] | None = None,
                      extra_args: object = None, config: object = None) -> bool:
        """Writes the object to `file_name` (default: the key, as Lithops does, its folders made) as it
        arrives, so memory stays small whatever its size; True. A download that fails leaves no partial file.
        (`extra_args` and `config` are accepted and unused.)"""
        file_name = os.fspath(file_name) if file_name is not None else key
        folder = os.path.dirname(file_name)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with _missing_is_no_such_key(bucket, key):
            _lib.lib.ofn_storage_get_file(self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"),
                                          _lib.encode(file_name, "file_name"), -1, -1)
        return True

    def head_object(self, bucket: str, key: str) -> dict[str, str]:
        """The object's headers as a dict (lowercase names: 'content-length', 'etag', ...);
        StorageNoSuchKeyError when it does not exist."""
        buf = _lib.Buf()
        with _missing_is_no_such_key(bucket, key):
            _lib.lib.ofn_storage_head(ctypes.byref(buf), self._handle.raw, _lib.encode(bucket, "bucket"),
                                      _lib.encode(key, "key"))
        headers: dict[str, str] = json.loads(buf.take().decode("utf-8"))
        return headers

    def _list(self, bucket: str, prefix: str | None, delimiter: str | None = None,
              missing_key: str | None = None) -> dict[str, Any]:
        buf = _lib.Buf()
        with _missing_is_no_such_key(bucket, prefix or "" if missing_key is None else missing_key):
            _lib.lib.ofn_storage_list(
                ctypes.byref(buf), self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(prefix, "prefix"),
                _lib.encode(delimiter, "delimiter"))
        listing: dict[str, Any] = json.loads(buf.take().decode("utf-8"))
        return listing

    def list_objects(self, bucket: str, prefix: str | None = None,
                     match_pattern: str | None = None) -> list[dict[str, Any]]:
        """Every object under `prefix` (all pages of the listing) as Lithops lists them: dicts with 'Key',
        'Size', 'LastModified' and 'ETag'; `match_pattern` (an fnmatch glob) filters the keys.
        StorageNoSuchKeyError when the bucket does not exist."""
        objects = self._list(bucket, prefix)["objects"]
        return [{"Key": o["name"], "Size": o.get("size", 0), "LastModified": o.get("timeModified"), "ETag": o.get("etag")}
                for o in objects if match_pattern is None or fnmatch.fnmatch(o["name"], match_pattern)]

    def list_keys(self, bucket: str, prefix: str | None = None) -> list[str]:
        """The names of every object under `prefix`, in name order."""
        return [o["name"] for o in self._list(bucket, prefix)["objects"]]

    def list_prefixes(self, bucket: str, prefix: str | None = None) -> list[str]:
        """The "folders" right below `prefix`: names up to the next '/' after it."""
        prefixes: list[str] = self._list(bucket, prefix, "/")["prefixes"]
        return prefixes

    def delete_object(self, bucket: str, key: str) -> None:
        """Deletes the object; StorageNoSuchKeyError when it does not exist."""
        with _missing_is_no_such_key(bucket, key):
            _lib.lib.ofn_storage_delete(self._handle.raw, _lib.encode(bucket, "bucket"), _lib.encode(key, "key"))

    def delete_objects(self, bucket: str, key_list: Iterable[str]) -> None:
        """Deletes the objects, several at a time; missing ones are skipped."""
        keys = list(key_list)
        # a thousand names at a time keep each keys_json well under the library's 16 MiB
        for start in range(0, len(keys), 1000):
            with _missing_is_no_such_key(bucket):
                _lib.lib.ofn_storage_delete_many(self._handle.raw, _lib.encode(bucket, "bucket"),
                                                 json.dumps(keys[start:start + 1000]).encode("utf-8"))

    # -- cloudobjects --------------------------------------------------------------------------------------------

    def put_cloudobject(self, body: Body, bucket: str | None = None, key: str | None = None) -> CloudObject:
        """Stores `body` and returns its CloudObject. Default bucket: this Storage's; default key:
        oraclefn.jobs/tmp/<session>/cloudobject_<n>, the session being $ORACLEFN_SESSION_ID (inside a
        function's call, "<job id>-<call id>"), else one per process."""
        if key is None:
            session = os.environ.get(SESSION_VARIABLE) or _PROCESS_SESSION
            key = f"{TEMP_PREFIX}/{session}/cloudobject_{next(_CLOUDOBJECTS):x}"
        bucket = bucket or self.bucket
        self.put_object(bucket, key, body)
        return CloudObject(self.backend, bucket, key)

    def get_cloudobject(self, cloudobject: CloudObject, stream: bool = False) -> bytes | io.BufferedReader:
        """The content of a CloudObject (a file-like object with `stream=True`)."""
        bucket, key = self._cloudobject_location(cloudobject)
        return self.get_object(bucket, key, stream=stream)

    def delete_cloudobject(self, cloudobject: CloudObject) -> None:
        """Deletes a CloudObject."""
        bucket, key = self._cloudobject_location(cloudobject)
        self.delete_object(bucket, key)

    def delete_cloudobjects(self, cloudobjects: Iterable[CloudObject]) -> None:
        """Deletes CloudObjects, several at a time. Every one is checked before any is deleted."""
        keys_per_bucket: dict[str, list[str]] = {}
        for cloudobject in cloudobjects:
            bucket, key = self._cloudobject_location(cloudobject)
            keys_per_bucket.setdefault(bucket, []).append(key)
        for bucket, keys in keys_per_bucket.items():
            self.delete_objects(bucket, keys)

    def _cloudobject_location(self, cloudobject: object) -> tuple[str, str]:
        backend = getattr(cloudobject, "backend", None)
        if backend != self.backend or not hasattr(cloudobject, "bucket") or not hasattr(cloudobject, "key"):
            raise ValueError(f"CloudObject: Invalid Storage backend: {cloudobject} is not in {self.backend}, the "
                             "backend of this Storage")
        return getattr(cloudobject, "bucket"), getattr(cloudobject, "key")
