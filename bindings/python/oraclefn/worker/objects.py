"""Objects as Lithops names them, and the reader a function with an `obj` parameter gets.

`CloudObject` and `CloudObjectUrl` are Lithops' references to an object (`lithops.storage.utils`). The data
partitioner (oraclefn.partitioner) sends one of them per call with the partition's attributes set on it, as
Lithops' partitioner does: `data_byte_range`, `chunk_size`, `part` (1-based), `total_parts`, `newline`, and
`size`, the object's size when it was listed. In the function, `open_partition` gives it `data_stream`, a
file-like object bounded to the partition's rows.

This module is pure Python: the runtime image, which has only oraclefn.worker, unpickles these classes.
"""
from __future__ import annotations

import io
import urllib.request
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:
    from typing import TypeGuard  # Python 3.10: read by type checkers only

    from oraclefn.storage import Storage

#: How far past its own end a partition reads to finish its last row: Lithops' CHUNK_THRESHOLD.
CHUNK_THRESHOLD = 128 * 1024
#: A whole object, or a partition without line handling, is read in ranged requests of this size.
READ_BLOCK = 16 * 1024 * 1024
#: The storage backend oraclefn reads and writes.
BACKEND = "oracle_oss"

#: fetch(first, last): the object's bytes first..last (inclusive).
Fetch = Callable[[int, int], bytes]
_PARTITION_FIELDS = ("data_byte_range", "chunk_size", "part", "total_parts", "newline", "size")


class _Partition:
    """What the partitioner sets on a reference it sends as a partition, and the worker's reader of it."""

    data_byte_range: tuple[int, int] | None
    chunk_size: int
    part: int
    total_parts: int
    newline: str | None
    size: int | None
    data_stream: io.BufferedReader


class CloudObject(_Partition):
    """A reference to an object in Object Storage, as Lithops' CloudObject: `backend`, `bucket`, `key`."""

    def __init__(self, backend: str, bucket: str, key: str) -> None:
        self.backend = backend
        self.bucket = bucket
        self.key = key

    def __str__(self) -> str:
        return f"<CloudObject at {self.backend}://{self.bucket}/{self.key}>"

    def __repr__(self) -> str:
        return f"CloudObject({self.backend!r}, {self.bucket!r}, {self.key!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CloudObject):
            return NotImplemented
        return (self.backend, self.bucket, self.key) == (other.backend, other.bucket, other.key)

    def __hash__(self) -> int:
        return hash((self.backend, self.bucket, self.key))

    def __getstate__(self) -> dict[str, Any]:  # a partition's open data_stream stays in the function
        return {name: value for name, value in self.__dict__.items() if name != "data_stream"}


class CloudObjectUrl(_Partition):
    """A reference to an object by its http(s) URL, as Lithops' CloudObjectUrl: `url`."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __str__(self) -> str:
        return f"<CloudObject at {self.url}>"

    def __repr__(self) -> str:
        return f"CloudObjectUrl({self.url!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CloudObjectUrl):
            return NotImplemented
        return self.url == other.url

    def __hash__(self) -> int:
        return hash(self.url)

    def __getstate__(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if name != "data_stream"}


def is_partition(value: object) -> TypeGuard[CloudObject | CloudObjectUrl]:
    """Whether `value` is an object partition made by the partitioner (a reference with a chunk_size)."""
    return isinstance(value, (CloudObject, CloudObjectUrl)) and hasattr(value, "chunk_size")


def open_partition(obj: CloudObject | CloudObjectUrl,
                   storage_factory: Callable[[], Storage]) -> CloudObject | CloudObjectUrl:
    """Gives the partition `obj` its `data_stream` and, as Lithops' JobRunner does, narrows `data_byte_range` to
    the bytes the partition owns. `storage_factory()` is the oraclefn Storage that reads stored objects; it is
    called on the first read only. Returns `obj`."""
    if isinstance(obj, CloudObjectUrl):
        fetch = _url_fetcher(obj.url)
        block = None  # one request: a server that ignores Range would send the whole object for each block
    else:
        if obj.backend != BACKEND:
            raise ValueError(f"{obj} is in the {obj.backend} backend; oraclefn reads objects from {BACKEND} only")
        fetch = _storage_fetcher(storage_factory, obj.bucket, obj.key)
        block = READ_BLOCK
    raw = PartitionReader(fetch, obj.data_byte_range, obj.chunk_size, obj.newline, getattr(obj, "size", None),
                          block, getattr(obj, "part", None))
    obj.data_stream = io.BufferedReader(raw, buffer_size=64 * 1024)
    if obj.data_byte_range is None:
        obj.data_byte_range = (0, obj.chunk_size - 1)
    else:
        first, last = obj.data_byte_range
        if last - first > obj.chunk_size:
            obj.data_byte_range = (first, first + obj.chunk_size - 1)
    return obj


def _storage_fetcher(storage_factory: Callable[[], Storage], bucket: str, key: str) -> Fetch:
    def fetch(first: int, last: int) -> bytes:
        return storage_factory().get_object(bucket, key, extra_get_args={"Range": f"bytes={first}-{last}"})
    return fetch


def _url_fetcher(url: str) -> Fetch:
    def fetch(first: int, last: int) -> bytes:
        request = urllib.request.Request(url, headers={"Range": f"bytes={first}-{last}"})
        with urllib.request.urlopen(request) as response:
            data: bytes = response.read()
            if response.status == 200:  # the server sent the whole object
                return data[first:last + 1]
            return data
    return fetch


class PartitionReader(io.RawIOBase):
    """The bytes of one partition, read with ranged requests when first needed. Seekable; position 0 is the
    partition's first byte.

    Which bytes a partition holds is Lithops' rule (WrappedStreamingBodyPartition). Its own bytes are
    [s, s + chunk_size), where s is the partition's start in the object:
    - without a byte range (the object fits in one chunk): the whole object;
    - without a newline (obj_newline=None): its own bytes, cut wherever they end;
    - with a newline: whole rows. A partition begins after the first newline that ends at or after s (at 0 for
      the first partition) and ends with the first newline that ends at or after s + chunk_size, or at the end
      of the object. So each row is read by exactly one partition.

    Lithops reads a fixed 128 KiB past a partition's end and, when no newline is there, cuts the row and drops a
    byte (it also drops the last byte of an object that does not end with a newline, and with a chunk size of
    1 its second partition reads the first row again); this reader reads on until the row ends, so no byte is
    lost or read twice.
    """

    def __init__(self, fetch: Fetch, byte_range: Sequence[int] | None, chunk_size: int, newline: str | bytes | None,
                 size: int | None = None, block: int | None = READ_BLOCK, part: int | None = None) -> None:
        super().__init__()
        self._fetch = fetch
        self._range = (byte_range[0], byte_range[1]) if byte_range is not None else None
        self._chunk = chunk_size
        self._newline = newline.encode("utf-8") if isinstance(newline, str) else newline
        self._size = size
        self._block = block
        self._first_part = part == 1 if part is not None else (self._range is None or self._range[0] == 0)
        self._opened = False
        # the partition's bytes in the object, [lo, hi), once opened; hi None until known
        self._lo = 0
        self._hi: int | None = None
        self._buffer: bytes | bytearray = b""
        self._buffer_at = 0
        self._offset = 0  # the position, from the partition's first byte

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._offset

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._offset + offset
        elif whence == io.SEEK_END:
            self._open()
            target = self._end() - self._lo + offset
        else:
            raise ValueError(f"invalid whence ({whence}, should be 0, 1 or 2)")
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        self._offset = target
        return self._offset

    def readinto(self, buffer: Any) -> int:
        self._open()
        view = memoryview(buffer).cast("B")
        position = self._lo + self._offset
        if not len(view) or (self._hi is not None and position >= self._hi):
            return 0
        at = position - self._buffer_at
        if not 0 <= at < len(self._buffer):
            if not self._fill(position):
                return 0
            at = position - self._buffer_at
        count = len(self._buffer) - at
        if self._hi is not None:
            count = min(count, self._hi - position)
        count = max(0, min(count, len(view)))
        view[:count] = self._buffer[at:at + count]
        self._offset += count
        return count

    # -- the partition's bounds ----------------------------------------------------------------------------------

    def _end(self) -> int:
        if self._hi is None:  # read to the end to find it
            while self._fill(self._buffer_at + len(self._buffer)):
                pass
            self._hi = self._buffer_at + len(self._buffer)
        return self._hi

    def _open(self) -> None:
        if self._opened:
            return
        self._opened = True
        if self._range is None:
            self._lo, self._hi = 0, self._size
        elif self._newline is None:
            start = self._range[0]
            self._lo = start
            self._hi = start + self._chunk if self._size is None else min(start + self._chunk, self._size)
        else:
            self._bound_rows(*self._range, self._newline)

    def _bound_rows(self, first: int, last: int, newline: bytes) -> None:
        """Finds the rows of a partition (see the class), reading what Lithops reads first: from the byte before
        the partition to 128 KiB past its end, and on from there only when a row goes on."""
        start = 0 if self._first_part else first + 1  # Lithops' ranges start one byte early, but the first one
        lead = max(0, start - len(newline))
        data = bytearray(self._fetch_between(lead, last))  # grows only while a row goes on past it

        def find_from(position: int) -> int | None:
            """The end of the first newline ending at or after `position`, reading on as needed; None at the
            end of the object."""
            search_from = max(lead, position - len(newline))
            while True:
                found = data.find(newline, search_from - lead)
                if found >= 0:
                    return lead + found + len(newline)
                more_from = lead + len(data)
                more = b"" if self._size is not None and more_from >= self._size else \
                    self._fetch_between(more_from, more_from + CHUNK_THRESHOLD - 1)
                if not more:
                    return None
                search_from = max(search_from, more_from - len(newline) + 1)
                data.extend(more)

        def or_end_of_object(position: int | None) -> int:
            if position is not None:
                return position
            return lead + len(data) if self._size is None else self._size

        lo = 0 if start == 0 else or_end_of_object(find_from(start))
        hi = or_end_of_object(find_from(start + self._chunk))
        self._lo, self._hi = lo, max(lo, hi)
        self._buffer, self._buffer_at = data, lead

    # -- reading -------------------------------------------------------------------------------------------------

    def _fetch_between(self, first: int, last: int) -> bytes:
        if self._size is not None:
            last = min(last, self._size - 1)
        if last < first:
            return b""
        return self._fetch(first, last)

    def _fill(self, position: int) -> bool:
        """Reads the block at `position` into the buffer; False at the end of the partition (or object)."""
        stop = self._hi if self._hi is not None else self._size
        if stop is not None and position >= stop:
            return False
        last = position + self._block - 1 if self._block else (stop - 1 if stop is not None else None)
        if stop is not None and last is not None:
            last = min(last, stop - 1)
        if last is None:  # neither a block size nor an end: the rest of the object in one request
            data = self._fetch_open_ended(position)
        else:
            data = self._fetch_between(position, last)
        if not data:
            if self._hi is None:
                self._hi = position
            return False
        if self._hi is None and last is not None and len(data) < last - position + 1:
            self._hi = position + len(data)  # the object ended first
        self._buffer, self._buffer_at = data, position
        return True

    def _fetch_open_ended(self, position: int) -> bytes:
        # only for a URL of unknown size read as one partition: ask for a range that surely covers the rest
        return self._fetch(position, (1 << 62))
