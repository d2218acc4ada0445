"""The data partitioner: a function with an `obj` parameter maps over objects, split into chunks, as Lithops'
(lithops/job/partitioner.py) does.

An item's `obj` names its objects as Lithops names them:
- `oracle_oss://bucket/prefix/` or `bucket/prefix/` (a trailing '/'): every object under the prefix;
- `oracle_oss://bucket` or `bucket`: every object in the bucket;
- `oracle_oss://bucket/key` or `bucket/key`: that object (when no such object exists but objects lie under
  `key/`, those; Lithops would fail);
- a `CloudObject`;
- `http://...` or `https://...`: the object at that URL;
- a key or prefix with '*' (a glob, as Lithops matches them: '*' and '?' within a path component, '**' across
  them): the matching objects.

Each object is split by `obj_chunk_size` (bytes per call) or `obj_chunk_number` (calls per object); neither
gives one call per object. With `obj_newline` (default '\\n') each call reads whole rows. Objects of 0 bytes
get no call, and folder markers (keys ending in '/') are skipped.
"""
from __future__ import annotations

import concurrent.futures
import inspect
import posixpath
import re
import urllib.request
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar

from . import errors
from .worker.objects import BACKEND, CHUNK_THRESHOLD, CloudObject, CloudObjectUrl

if TYPE_CHECKING:
    from .storage import Storage

_T = TypeVar("_T")
#: One object's calls (each a copy of its item with "obj" set to its partition), and how many there are.
Parts = tuple[list[dict[str, Any]], int]

__all__ = ["INJECTED_PARAMETERS", "create_partitions", "is_object_processing_function", "reduce_groups",
           "split_object_url"]

#: Parameters the worker fills in, as Lithops does: the user's data never binds to them.
INJECTED_PARAMETERS = frozenset({"storage", "id", "ibm_cos", "rabbitmq"})
#: Lithops' spellings of storage backends in URLs.
_SCHEME_ALIASES: dict[str | None, str | None] = {"cos": "ibm_cos", "s3": "aws_s3"}
#: Objects are sized (one HEAD or one listing per item) this many at a time.
_SIZING_THREADS = 16


def is_object_processing_function(function: Callable[..., Any]) -> bool:
    """Whether the function has an `obj` parameter: its map calls go through the partitioner. A positional-only
    `obj` (as len's) cannot be given by name, so it does not count (Lithops would count it)."""
    try:
        parameter = inspect.signature(function).parameters.get("obj")
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.kind is not inspect.Parameter.POSITIONAL_ONLY


def split_object_url(obj_url: str) -> tuple[str | None, str, str, str]:
    """(backend or None, bucket, prefix, object name) of an object's name, as Lithops' split_object_url: a name
    ending in '/' is a folder, with no object name."""
    if "://" in obj_url:
        backend, path = obj_url.split("://", 1)
    else:
        backend, path = None, obj_url
    backend = _SCHEME_ALIASES.get(backend, backend)
    bucket, full_key = path.split("/", 1) if "/" in path else (path, "")
    if full_key.endswith("/"):
        prefix, name = full_key[:-1], ""
    elif "/" in full_key:
        prefix, name = full_key.rsplit("/", 1)
    else:
        prefix, name = "", full_key
    return backend, bucket, prefix, name


def create_partitions(storage: Storage, map_function: Callable[..., Any], iterdata: Any,
                      obj_chunk_size: int | None = None, obj_chunk_number: int | None = None,
                      obj_newline: str | None = "\n", extra_args: Any = None) -> tuple[list[dict[str, Any]], list[int]]:
    """The calls of a map over objects: (`call_kwargs`, `parts_per_object`), as Lithops' create_partitions.

    `iterdata` is what map() was given (a name, a list of names, of dicts with an "obj" key, of tuples bound
    to the function's parameters, ...), or the keyword dicts that binding made of it. `storage` is the
    oraclefn Storage that lists and sizes the objects. `call_kwargs` holds one dict per call: the item's
    arguments with "obj" replaced by that call's partition (a CloudObject or CloudObjectUrl carrying
    data_byte_range, chunk_size, part, total_parts, newline and size); the worker turns it into a reader.
    `parts_per_object[i]` is how many consecutive calls object i got, 0 for an empty object:
    reduce_groups() cuts the map's futures by it for `obj_reduce_by_key`.

    Raises StorageNoSuchKeyError for a key that does not exist, NotFoundError when the names match no object,
    ValueError for names oraclefn cannot read (another backend, a local path) and TypeError for an item
    without an `obj`."""
    _check_chunking(obj_chunk_size, obj_chunk_number)
    entries = _entries(map_function, iterdata, extra_args)
    urls: list[dict[str, Any]] = []
    stored: list[dict[str, Any]] = []
    for entry in entries:
        obj = entry["obj"]
        if isinstance(obj, CloudObjectUrl):
            obj = entry["obj"] = obj.url
        if _has_location(obj):
            obj = entry["obj"] = f"{obj.backend}://{obj.bucket}/{obj.key}"
        if not isinstance(obj, str):
            raise TypeError(f"obj must name objects (a str such as 'bucket/prefix/' or a CloudObject), not "
                            f"{type(obj).__name__}: {obj!r}")
        if obj.startswith("http"):
            urls.append(entry)
        elif obj.startswith("/") or re.match(r"^(?:[A-Za-z]:[\\/]|\\\\)", obj):
            raise ValueError(f"obj {obj!r} is a local path, which a function cannot read; upload it first "
                             "(storage.upload_file) and name it as 'bucket/key'")
        else:
            stored.append(entry)
    if urls and stored:
        raise ValueError("one map reads either URLs or stored objects, not both; Lithops would silently drop the "
                         f"stored ones ({len(stored)} items)")
    if urls:
        return _split_urls(urls, obj_chunk_size, obj_chunk_number, obj_newline)
    if stored:
        return _split_stored(storage, stored, obj_chunk_size, obj_chunk_number, obj_newline)
    return [], []


def reduce_groups(futures: Iterable[_T], parts_per_object: Iterable[int]) -> list[list[_T]]:
    """The map futures cut into one group per object, for `obj_reduce_by_key`: one reducer per group."""
    futures = list(futures)
    groups: list[list[_T]] = []
    offset = 0
    for parts in parts_per_object:
        groups.append(futures[offset:offset + parts])
        offset += parts
    return groups


# -- binding the items ---------------------------------------------------------------------------------------------

def _user_signature(function: Callable[..., Any]) -> inspect.Signature:
    signature = inspect.signature(function)
    return signature.replace(parameters=[p for name, p in signature.parameters.items()
                                         if name not in INJECTED_PARAMETERS])


def _entries(function: Callable[..., Any], iterdata: Any, extra_args: Any) -> list[dict[str, Any]]:
    """One keyword dict with an "obj" per item, bound as Lithops' verify_args binds them."""
    if isinstance(iterdata, (range, set)):
        items = list(iterdata)
    elif isinstance(iterdata, list):
        items = iterdata
    else:
        items = [iterdata]
    signature = _user_signature(function)
    entries: list[dict[str, Any]] = []
    for item in items:
        if extra_args:
            if isinstance(item, tuple):
                item = item + tuple(extra_args)
            elif isinstance(item, dict):
                item = {**item, **extra_args}
            else:
                item = (item, *extra_args)
        if isinstance(item, dict):
            entry = dict(item)
        else:
            try:
                entry = dict(signature.bind(*(item if isinstance(item, tuple) else (item,))).arguments)
            except TypeError as error:
                raise TypeError(f"{getattr(function, '__name__', function)}{signature} cannot take the item "
                                f"{item!r}: {error}") from None
        if "obj" not in entry:
            raise TypeError(f"the item {item!r} gives no 'obj': a function with an obj parameter maps over "
                            "objects, named as 'bucket/prefix/', 'bucket/key', a CloudObject or a URL")
        entries.append(entry)
    return entries


def _has_location(obj: object) -> bool:
    return all(hasattr(obj, name) for name in ("backend", "bucket", "key")) and not isinstance(obj, str)


def _check_chunking(chunk_size: object, chunk_number: object) -> None:
    for name, value in (("obj_chunk_size", chunk_size), ("obj_chunk_number", chunk_number)):
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ValueError(f"{name} must be a whole number of {'bytes' if 'size' in name else 'calls'}, not "
                             f"{value!r}")


# -- sizing and splitting (Lithops' arithmetic) --------------------------------------------------------------------

def _chunk_from_number(size: int, number: int) -> int:
    rest = size % number
    return size // number + round(rest / number + 0.5)


def _object_chunk(size: int | None, chunk_number: int | None, chunk_size: int | None) -> int | None:
    """The chunk size for one object: a chunk number wins over a chunk size; neither means one chunk."""
    if chunk_number and size:
        return _chunk_from_number(size, chunk_number)
    if chunk_size and size:
        return chunk_size
    if size:
        return size
    return None


def _build(entry: dict[str, Any], make_obj: Callable[[], Any], size: int | None, chunk: int | None,
           newline: str | None) -> Parts:
    """The partitions of one object: copies of its entry, each with its own byte range (Lithops'
    _build_partitions, byte for byte)."""
    if not size or not chunk:
        return [], 0
    partitions: list[dict[str, Any]] = []
    position = total = 0
    while position < size:
        if size <= chunk:
            byte_range = None
            chunk = size
        elif newline is None:
            byte_range = (position, position + chunk - 1)
        elif position + chunk < size:
            byte_range = (position - 1 if position > 0 else 0, position + chunk + CHUNK_THRESHOLD)
        else:
            byte_range = (position - 1, size - 1)
            chunk = size - position
        total += 1
        partition = dict(entry)
        obj = partition["obj"] = make_obj()
        obj.data_byte_range = byte_range
        obj.chunk_size = chunk
        obj.part = total
        obj.newline = newline
        obj.size = size
        partitions.append(partition)
        position += chunk
    for partition in partitions:
        partition["obj"].total_parts = total
    return partitions, total


def _split_urls(entries: list[dict[str, Any]], chunk_size: int | None, chunk_number: int | None,
                newline: str | None) -> tuple[list[dict[str, Any]], list[int]]:
    def split(entry: dict[str, Any]) -> Parts:
        url = entry["obj"]
        request = urllib.request.Request(url, method="HEAD")
        try:
            with urllib.request.urlopen(request) as response:
                headers = response.headers
        except OSError as error:
            raise errors.NetworkError(f"cannot size {url}: {error}") from None
        size = int(headers["content-length"]) if headers.get("content-length") is not None else None
        chunk = _object_chunk(size, chunk_number, chunk_size)
        if size is None:  # unknown size: one partition, read whole
            chunk = size = 1
        if headers.get("accept-ranges") is None:
            chunk = size
        parts = _build(entry, lambda: CloudObjectUrl(url), size, chunk, newline)
        if size == 1 and headers.get("content-length") is None:
            for partition in parts[0]:
                partition["obj"].size = None
        return parts

    return _gather(split, entries)


def _gather(split: Callable[[dict[str, Any]], Parts],
            entries: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    partitions: list[dict[str, Any]] = []
    parts_per_object: list[int] = []
    with concurrent.futures.ThreadPoolExecutor(min(_SIZING_THREADS, max(1, len(entries)))) as pool:
        for item_partitions, item_parts in pool.map(split, entries):
            partitions.extend(item_partitions)
            parts_per_object.append(item_parts)
    return partitions, parts_per_object


def _split_stored(storage: Storage, entries: list[dict[str, Any]], chunk_size: int | None, chunk_number: int | None,
                  newline: str | None) -> tuple[list[dict[str, Any]], list[int]]:
    located = []
    for entry in entries:
        backend, bucket, prefix, name = split_object_url(entry["obj"])
        backend = backend or BACKEND
        if backend != BACKEND:
            raise ValueError(f"obj {entry['obj']!r} is in the {backend} backend; oraclefn reads objects from "
                             f"{BACKEND} (Oracle Object Storage) only")
        if not bucket:
            raise ValueError(f"obj {entry['obj']!r} names no bucket; write 'bucket/prefix/' or 'bucket/key'")
        located.append((entry, bucket, prefix, name))

    with concurrent.futures.ThreadPoolExecutor(min(_SIZING_THREADS, max(1, len(located)))) as pool:
        listings = list(pool.map(lambda item: _list(storage, *item[1:]), located))

    partitions: list[dict[str, Any]] = []
    parts_per_object: list[int] = []
    total_objects = 0
    for (entry, bucket, _, _), objects in zip(located, listings):
        params = {key: value for key, value in entry.items() if key != "obj"}
        for listed in objects:
            key = listed["Key"]
            if key.endswith("/"):
                continue  # a folder marker
            total_objects += 1
            size = listed["Size"]
            object_partitions, parts = _build(
                {"obj": f"{BACKEND}://{bucket}/{key}", **params},
                lambda: CloudObject(BACKEND, bucket, key), size, _object_chunk(size, chunk_number, chunk_size),
                newline)
            partitions.extend(object_partitions)
            parts_per_object.append(parts)
    if total_objects == 0:
        names = ", ".join(repr(entry["obj"]) for entry, *_ in located)
        raise errors.NotFoundError(f"No objects found: {names} name no object")
    return partitions, parts_per_object


def _list(storage: Storage, bucket: str, prefix: str, name: str) -> list[dict[str, Any]]:
    """The objects ({'Key', 'Size'}) one name stands for: a key, a glob, a prefix or a whole bucket."""
    if "*" in prefix or "*" in name or "?" in name:
        pattern = posixpath.join(prefix, name) if name else prefix + "/**"
        return [o for o in storage.list_objects(bucket, _glob_prefix(pattern)) if glob_match(pattern, o["Key"])]
    if name:
        key = posixpath.join(prefix, name)
        try:
            head = storage.head_object(bucket, key)
        except errors.StorageNoSuchKeyError:
            below = storage.list_objects(bucket, key + "/")
            if below:
                return below
            raise
        return [{"Key": key, "Size": int(head["content-length"])}]
    return storage.list_objects(bucket, prefix + "/" if prefix else None)


def _glob_prefix(pattern: str) -> str:
    """The listing prefix of a glob: what precedes its first special character."""
    cut = min((pattern.index(c) for c in "*?[\\" if c in pattern), default=len(pattern))
    return pattern[:cut]


def glob_match(pattern: str, key: str) -> bool:
    """Whether `key` matches the glob `pattern` as Lithops' globber matches: '*' and '?' within one path
    component, '**' as a whole component for any number of them, '\\' escaping."""
    return _glob_regex(pattern).fullmatch("/" + key.rstrip("/")) is not None


def _glob_regex(pattern: str) -> re.Pattern[str]:
    pieces: list[str] = []  # each component with its leading '/', matched against '/' + key
    for component in pattern.rstrip("/").split("/"):
        if component == "**":
            pieces.append("(?:/[^/]*)*")
            continue
        text, i = "/", 0
        while i < len(component):
            char = component[i]
            if char == "\\" and i + 1 < len(component):
                text += re.escape(component[i + 1])
                i += 2
                continue
            text += "[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char)
            i += 1
        pieces.append(text)
    return re.compile("".join(pieces), re.DOTALL)
