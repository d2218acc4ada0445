"""The data partitioner, as Lithops 3.8.0's: names of objects, their chunks and byte ranges, the rows each chunk
reads, the `obj`/`id` parameters the worker fills in, and map jobs over a prefix, keys and URLs against the
emulator, counted as Lithops' test_map_reduce counts them."""
import contextlib
import http.server
import math
import pickle
import random
import threading
import uuid

import pytest

import oraclefn
from oraclefn import errors
from oraclefn.partitioner import (create_partitions, glob_match, is_object_processing_function, reduce_groups,
                                  split_object_url)
from oraclefn.worker import calls, execute, inject, objects
from oraclefn.worker.objects import CHUNK_THRESHOLD, CloudObject, CloudObjectUrl

from local_runtime import deploy_here

T = CHUNK_THRESHOLD


class MemoryStorage:
    """Just what the partitioner and the reader use of a Storage, over a dict; counts the ranged reads."""

    backend = "oracle_oss"

    def __init__(self, objects_by_bucket):
        self.buckets = objects_by_bucket
        self.reads = []

    def list_objects(self, bucket, prefix=None, match_pattern=None):
        if bucket not in self.buckets:
            raise errors.StorageNoSuchKeyError(bucket, prefix or "")
        return [{"Key": key, "Size": len(data)} for key, data in sorted(self.buckets[bucket].items())
                if key.startswith(prefix or "")]

    def head_object(self, bucket, key):
        try:
            return {"content-length": str(len(self.buckets[bucket][key]))}
        except KeyError:
            raise errors.StorageNoSuchKeyError(bucket, key) from None

    def get_object(self, bucket, key, stream=False, extra_get_args=None):
        data = self.buckets[bucket][key]
        first, last = extra_get_args["Range"][len("bytes="):].split("-")
        first, last = int(first), int(last)
        assert first < len(data), "a range past the end is an error on Object Storage (416)"
        self.reads.append((first, last))
        return data[first:last + 1]


def rows_text(count, seed, newline_at_end=True, long_every=None):
    generator = random.Random(seed)
    rows = []
    for n in range(count):
        width = 3 * T if long_every and n % long_every == long_every - 1 else generator.randint(0, 60)
        rows.append(" ".join(generator.choice(["alpha", "beta", "gamma", "delta"]) for _ in range(width // 6)))
    return ("\n".join(rows) + ("\n" if newline_at_end else "")).encode()


def read_partitions(data, chunk_size=None, chunk_number=None, newline="\n", how="all"):
    storage = MemoryStorage({"b": {"k": data}})
    partitions, parts = create_partitions(storage, lambda obj: None, "b/k", chunk_size, chunk_number, newline)
    out = []
    for partition in partitions:
        obj = objects.open_partition(partition["obj"], lambda: storage)
        if how == "all":
            out.append(obj.data_stream.read())
        elif how == "lines":
            out.append(b"".join(obj.data_stream))
        else:
            chunks = []
            while chunk := obj.data_stream.read(how):
                chunks.append(chunk)
            out.append(b"".join(chunks))
    return out, partitions, parts, storage


# -- names ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("oracle_oss://bucket/prefix/", ("oracle_oss", "bucket", "prefix", "")),
    ("oracle_oss://bucket", ("oracle_oss", "bucket", "", "")),
    ("bucket/a/b/key.csv", (None, "bucket", "a/b", "key.csv")),
    ("bucket/key", (None, "bucket", "", "key")),
    ("s3://bucket/key", ("aws_s3", "bucket", "", "key")),
    ("cos://bucket/p/", ("ibm_cos", "bucket", "p", "")),
])
def test_object_names_split_as_lithops_splits_them(name, expected):
    assert split_object_url(name) == expected


@pytest.mark.parametrize("pattern, key, matches", [
    ("d/*.csv", "d/x.csv", True), ("d/*.csv", "d/s/x.csv", False), ("d/**/x.csv", "d/x.csv", True),
    ("d/**/x.csv", "d/a/b/x.csv", True), ("d/?.csv", "d/x.csv", True), ("d/?.csv", "d/xy.csv", False),
    ("d/\\*.csv", "d/*.csv", True), ("d/\\*.csv", "d/a.csv", False), ("a/**", "a", True),
])
def test_globs_match_as_lithops_globber_matches(pattern, key, matches):
    assert glob_match(pattern, key) is matches


def test_a_function_processes_objects_when_it_has_an_obj_parameter():
    assert is_object_processing_function(lambda obj, id: None)
    assert not is_object_processing_function(lambda x: None)
    assert not is_object_processing_function(len)


# -- partitions ----------------------------------------------------------------------------------------------------

def ranges(partitions):
    return [(p["obj"].data_byte_range, p["obj"].chunk_size, p["obj"].part, p["obj"].total_parts) for p in partitions]


def test_byte_ranges_are_lithops_byte_for_byte():
    storage = MemoryStorage({"b": {"k": b"x" * 1000}})
    by_size, parts = create_partitions(storage, lambda obj: None, "b/k", obj_chunk_size=300)
    assert ranges(by_size) == [((0, 300 + T), 300, 1, 4), ((299, 600 + T), 300, 2, 4), ((599, 900 + T), 300, 3, 4),
                               ((899, 999), 100, 4, 4)]
    assert parts == [4]
    by_number, _ = create_partitions(storage, lambda obj: None, "b/k", obj_chunk_number=3)
    assert ranges(by_number) == [((0, 334 + T), 334, 1, 3), ((333, 668 + T), 334, 2, 3), ((667, 999), 332, 3, 3)]
    raw, _ = create_partitions(storage, lambda obj: None, "b/k", obj_chunk_size=300, obj_newline=None)
    assert ranges(raw) == [((0, 299), 300, 1, 4), ((300, 599), 300, 2, 4), ((600, 899), 300, 3, 4),
                           ((900, 1199), 300, 4, 4)]
    whole, _ = create_partitions(storage, lambda obj: None, "b/k")
    assert ranges(whole) == [(None, 1000, 1, 1)]
    first = by_size[0]["obj"]
    assert (first.backend, first.bucket, first.key, first.newline, first.size) == ("oracle_oss", "b", "k", "\n", 1000)
    assert by_size[0]["obj"] is not by_size[1]["obj"]


def test_the_counts_lithops_tests_count():
    sizes = [1234567, 800000, 5, 640000]
    storage = MemoryStorage({"b": {f"data/{n}": b"x" * size for n, size in enumerate(sizes)}})
    chunk = 800 ** 2
    partitions, parts = create_partitions(storage, lambda obj: None, "oracle_oss://b/data/", obj_chunk_size=chunk)
    assert parts == [math.ceil(size / chunk) for size in sizes]
    assert len(partitions) == sum(parts)
    partitions, parts = create_partitions(storage, lambda obj: None, "oracle_oss://b/data/", obj_chunk_number=2)
    assert parts == [2, 2, 2, 2] and len(partitions) == 8


def test_neither_a_chunk_size_nor_a_number_is_one_call_per_object_and_empty_objects_get_none():
    storage = MemoryStorage({"b": {"p/a": b"abc", "p/empty": b"", "p/folder/": b"", "p/z": b"z" * 10}})
    partitions, parts = create_partitions(storage, lambda obj: None, "b/p/")
    assert [p["obj"].key for p in partitions] == ["p/a", "p/z"]
    assert parts == [1, 0, 1], "the empty object counts, with no call; the folder marker does not"
    assert reduce_groups(["fa", "fz"], parts) == [["fa"], [], ["fz"]]


def test_items_are_bound_as_lithops_binds_them():
    storage = MemoryStorage({"b": {"k1": b"1", "k2": b"22"}})

    def f(obj, factor, storage, id):
        pass

    by_tuple, _ = create_partitions(storage, f, [("b/k1", 2), ("b/k2", 3)])
    assert [(p["obj"].key, p["factor"]) for p in by_tuple] == [("k1", 2), ("k2", 3)]
    by_dict, _ = create_partitions(storage, f, [{"obj": "b/k1", "factor": 5}])
    assert set(by_dict[0]) == {"obj", "factor"} and by_dict[0]["factor"] == 5
    extra, _ = create_partitions(storage, f, ["b/k1", "b/k2"], extra_args=(7,))
    assert [p["factor"] for p in extra] == [7, 7]
    single, _ = create_partitions(storage, lambda obj: None, CloudObject("oracle_oss", "b", "k2"))
    assert [p["obj"].key for p in single] == ["k2"]
    assert single[0]["obj"] == CloudObject("oracle_oss", "b", "k2")
    with pytest.raises(TypeError, match="gives no 'obj'"):
        create_partitions(storage, lambda obj=None, x=0: None, [{"x": 1}])
    with pytest.raises(TypeError, match="cannot take the item"):
        create_partitions(storage, f, [("b/k1", 1, 2)])


def test_names_oraclefn_cannot_read_are_refused_with_the_reason():
    storage = MemoryStorage({"b": {"k": b"1"}, "empty": {}})
    with pytest.raises(ValueError, match="aws_s3"):
        create_partitions(storage, lambda obj: None, "s3://b/k")
    with pytest.raises(ValueError, match="local path"):
        create_partitions(storage, lambda obj: None, "/tmp/data.csv")
    with pytest.raises(ValueError, match="either URLs or stored objects"):
        create_partitions(storage, lambda obj: None, ["b/k", "https://example.com/x"])
    with pytest.raises(errors.StorageNoSuchKeyError):
        create_partitions(storage, lambda obj: None, "b/missing")
    with pytest.raises(errors.NotFoundError, match="No objects found"):
        create_partitions(storage, lambda obj: None, "empty")
    with pytest.raises(ValueError, match="obj_chunk_size"):
        create_partitions(storage, lambda obj: None, "b/k", obj_chunk_size=-1)


def test_a_key_that_is_a_folder_and_a_glob_name_the_objects_below():
    storage = MemoryStorage({"b": {"dir/a.csv": b"1", "dir/b.txt": b"2", "dir/sub/c.csv": b"3"}})
    folder, _ = create_partitions(storage, lambda obj: None, "b/dir")  # Lithops would fail: no object "dir"
    assert [p["obj"].key for p in folder] == ["dir/a.csv", "dir/b.txt", "dir/sub/c.csv"]
    globbed, _ = create_partitions(storage, lambda obj: None, "oracle_oss://b/dir/*.csv")
    assert [p["obj"].key for p in globbed] == ["dir/a.csv"]
    deep, _ = create_partitions(storage, lambda obj: None, "b/dir/**/*.csv")
    assert [p["obj"].key for p in deep] == ["dir/a.csv", "dir/sub/c.csv"]


# -- what each partition reads -------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["all", "lines", 1, 7, 4096])
def test_partitions_read_whole_rows_each_row_once(how):
    data = rows_text(300, seed=3)
    for chunk_size in (50, 333, 1000, len(data) - 1):
        out, _, _, _ = read_partitions(data, chunk_size=chunk_size, how=how)
        assert b"".join(out) == data
        assert all(part.endswith(b"\n") for part in out if part)


def test_partitions_read_what_lithops_reads_where_lithops_loses_nothing():
    data = rows_text(200, seed=5)
    for chunk_size in (40, 100, 777):
        out, partitions, _, _ = read_partitions(data, chunk_size=chunk_size)
        for partition, got in zip(partitions, out):
            obj = partition["obj"]
            start = obj.data_byte_range[0]
            own_start = 0 if obj.part == 1 else start + 1
            lithops_start = 0 if own_start == 0 else (
                own_start if data[own_start - 1:own_start] == b"\n" else data.index(b"\n", own_start) + 1)
            lithops_end = data.index(b"\n", own_start + obj.chunk_size - 1) + 1
            assert got == data[lithops_start:lithops_end]


def test_nothing_is_lost_where_lithops_drops_bytes():
    no_final_newline = rows_text(100, seed=7, newline_at_end=False)
    out, _, _, _ = read_partitions(no_final_newline, chunk_size=97)
    assert b"".join(out) == no_final_newline, "Lithops drops the object's last byte"
    long_rows = rows_text(12, seed=8, long_every=4)  # rows of 384 KiB: longer than Lithops' 128 KiB threshold
    out, _, _, _ = read_partitions(long_rows, chunk_size=64 * 1024)
    assert b"".join(out) == long_rows
    assert [part.count(b"\n") for part in out if part] and sum(part.count(b"\n") for part in out) == 12
    one_byte_chunks, _, _, _ = read_partitions(b"ab\ncd\n", chunk_size=1)
    assert b"".join(one_byte_chunks) == b"ab\ncd\n", "Lithops' second 1-byte partition reads the first row again"


def test_without_a_newline_a_partition_is_its_bytes_and_with_another_newline_its_rows():
    data = bytes(range(256)) * 10
    out, _, _, _ = read_partitions(data, chunk_size=300, newline=None)
    assert out == [data[i:i + 300] for i in range(0, len(data), 300)]
    crlf = rows_text(150, seed=9).replace(b"\n", b"\r\n")
    for chunk_size in (31, 500):
        out, _, _, _ = read_partitions(crlf, chunk_size=chunk_size, newline="\r\n")
        assert b"".join(out) == crlf
        assert all(part.endswith(b"\r\n") and not part.startswith(b"\n") for part in out if part)


def test_a_partition_is_read_with_one_ranged_request_and_only_when_read():
    data = rows_text(400, seed=11)
    storage = MemoryStorage({"b": {"k": data}})
    partitions, _ = create_partitions(storage, lambda obj: None, "b/k", obj_chunk_size=2000)
    obj = objects.open_partition(partitions[1]["obj"], lambda: storage)
    assert storage.reads == [], "nothing is read before the function reads"
    first_line = obj.data_stream.readline()
    assert storage.reads == [(1999, min(4000 + T, len(data) - 1))], "Lithops' range, in one request"
    assert first_line.endswith(b"\n")
    rest = obj.data_stream.read()
    assert obj.data_stream.tell() == len(first_line) + len(rest)
    obj.data_stream.seek(0)
    assert obj.data_stream.read() == first_line + rest
    assert len(storage.reads) == 1
    assert obj.data_byte_range == (1999, 1999 + 2000 - 1), "narrowed to the chunk, as Lithops' JobRunner does"


def test_a_whole_object_is_read_in_blocks(monkeypatch):
    monkeypatch.setattr(objects, "READ_BLOCK", 1000)
    data = bytes(range(256)) * 20
    storage = MemoryStorage({"b": {"k": data}})
    (partition,), _ = create_partitions(storage, lambda obj: None, "b/k")
    obj = objects.open_partition(partition["obj"], lambda: storage)
    assert obj.data_stream.read() == data
    assert storage.reads == [(n, min(n + 999, len(data) - 1)) for n in range(0, len(data), 1000)]
    assert obj.data_byte_range == (0, len(data) - 1)


def test_a_partition_pickles_without_its_stream():
    storage = MemoryStorage({"b": {"k": b"a\nb\n"}})
    (partition,), _ = create_partitions(storage, lambda obj: None, "b/k")
    obj = objects.open_partition(partition["obj"], lambda: storage)
    copy = pickle.loads(pickle.dumps(obj))
    assert copy == obj and not hasattr(copy, "data_stream") and copy.chunk_size == 4


# -- the worker's side ---------------------------------------------------------------------------------------------

def run_call(function, args, kwargs, call_id="00003"):
    pickled = calls.pickle_function(function)
    data = calls.encode_call(calls.inline_function(pickled), args, kwargs)
    return execute.run(data, execute.FunctionCache(), lambda name: None, call_id=call_id, job_id="job")


def test_the_worker_gives_obj_its_stream_id_its_call_index_and_storage_its_storage(monkeypatch):
    storage = MemoryStorage({"b": {"k": b"one two\nthree\n"}})
    monkeypatch.setattr(inject, "job_storage", lambda job: storage)
    (partition,), _ = create_partitions(storage, lambda obj: None, "b/k")

    def reads(obj, id, storage):
        return obj.data_stream.read(), obj.key, obj.part, obj.data_byte_range, id, storage.backend

    run = run_call(reads, (), {"obj": partition["obj"]})
    assert run.error is None, run.error
    assert pickle.loads(run.output) == (b"one two\nthree\n", "k", 1, (0, 13), 3, "oracle_oss")


def test_injected_parameters_never_take_the_items_values(monkeypatch):
    monkeypatch.setattr(inject, "job_storage", lambda job: "the job's storage")

    def first_is_id(id, x, storage=None):
        return id, x, storage

    assert pickle.loads(run_call(first_is_id, (5,), {}).output) == (3, 5, "the job's storage")
    assert pickle.loads(run_call(first_is_id, (), {"x": 1, "id": 99}).output) == (3, 1, "the job's storage")
    plain = run_call(lambda x, y=2: (x, y), (1,), {})
    assert pickle.loads(plain.output) == (1, 2)


def test_a_call_without_its_jobs_configuration_gets_no_storage_of_its_own(monkeypatch):
    monkeypatch.delenv(calls.JOB_VARIABLE, raising=False)
    run = run_call(lambda x, storage: x, (1,), {})  # a function reference without "job"
    assert run.error["type"].endswith("StorageUnavailable") and "no configuration" in run.error["message"]


def test_a_storage_that_cannot_be_made_fails_the_call_with_the_reason(monkeypatch):
    def unavailable(job):
        raise inject.StorageUnavailable("no library here")

    monkeypatch.setattr(inject, "job_storage", unavailable)
    run = run_call(lambda x, storage: x, (1,), {})
    assert run.error["type"].endswith("StorageUnavailable") and "no library here" in run.error["message"]


# -- against the emulator ------------------------------------------------------------------------------------------

def count_words(obj, id=None):
    """Lithops' my_map_function_obj: {word: count} of this call's rows."""
    counter = {}
    for line in obj.data_stream.read().splitlines():
        for word in line.decode("utf-8").split():
            counter[word] = counter.get(word, 0) + 1
    return counter


def describe(obj, id=None):
    return id, obj.bucket, obj.key, obj.part, obj.total_parts, obj.chunk_size, obj.data_byte_range


def count_url_words(id=None, obj=None):
    """Lithops' my_map_function_url: the id comes first, the obj second. (Defaults only for the executor's
    binding of today, which checks every parameter.)"""
    return sum(len(line.split()) for line in obj.data_stream.read().splitlines()), obj.url, id


def total(results):
    return sum(sum(counter.values()) for counter in results)


@pytest.fixture(scope="module")
def dataset(config):
    """Five text objects of different sizes under a prefix, and how many words they hold."""
    bucket = "partitions-%s" % uuid.uuid4().hex[:8]
    storage = oraclefn.Storage(config)
    storage.create_bucket(bucket)
    words = 0
    sizes = {}
    for n, rows in enumerate([2000, 7000, 150, 4000, 0]):
        data = rows_text(rows, seed=100 + n) if rows else b"lonely\n"
        storage.put_object(bucket, f"dataset/vocab.{n}.txt", data)
        words += len(data.split())
        sizes[f"dataset/vocab.{n}.txt"] = len(data)
    storage.put_object(bucket, "dataset/", b"")  # a folder marker, as consoles make them
    return storage, bucket, words, sizes


@pytest.fixture(scope="module")
def fexec(config, dataset):
    function = deploy_here(config)
    sections = {name: dict(config[name]) for name in config}
    sections["oracle_f"]["runtime"] = function
    sections["oracle_oss"]["storage_bucket"] = dataset[1]
    with oraclefn.FunctionExecutor(config=sections) as executor:
        yield executor


def map_objects(fexec, storage, function, iterdata, **chunking):
    call_kwargs, parts = create_partitions(storage, function, iterdata, **chunking)
    return fexec.map(function, call_kwargs), parts


def test_a_prefix_is_word_counted_as_lithops_counts_it(fexec, dataset):
    storage, bucket, words, _ = dataset
    futures, parts = map_objects(fexec, storage, count_words, f"oracle_oss://{bucket}/dataset/")
    assert parts == [1] * 5
    assert total(fexec.get_result(futures)) == words


def test_chunk_sizes_and_numbers_give_lithops_call_counts_and_the_same_words(fexec, dataset):
    storage, bucket, words, sizes = dataset
    chunk = 64 * 1024
    futures, parts = map_objects(fexec, storage, count_words, f"{bucket}/dataset/", obj_chunk_size=chunk)
    assert len(futures) == sum(math.ceil(size / chunk) for size in sizes.values())
    assert total(fexec.get_result(futures)) == words
    futures, parts = map_objects(fexec, storage, count_words, f"{bucket}/dataset/", obj_chunk_number=2)
    assert len(futures) == 2 * 5, "the object of 7 bytes splits in two as well, one of them empty"
    results = fexec.get_result(futures)
    assert total(results) == words
    by_object = [total(group) for group in reduce_groups(results, parts)]
    assert len(by_object) == 5 and sum(by_object) == words  # obj_reduce_by_key: one reducer per object


def test_keys_and_their_call_attributes(fexec, dataset):
    storage, bucket, _, sizes = dataset
    keys = [f"oracle_oss://{bucket}/{key}" for key in storage.list_keys(bucket, "dataset/vocab")]
    futures, parts = map_objects(fexec, storage, describe, keys, obj_chunk_size=100 * 1024)
    described = fexec.get_result(futures)
    assert [d[0] for d in described] == list(range(len(futures))), "id is the call's index"
    assert {d[1] for d in described} == {bucket}
    for key, size in sizes.items():
        mine = [d for d in described if d[2] == key]
        assert [d[3] for d in mine] == list(range(1, len(mine) + 1))
        assert {d[4] for d in mine} == {len(mine)} == {math.ceil(size / (100 * 1024))}
    assert parts == [math.ceil(sizes[k.split("/", 3)[3]] / (100 * 1024)) for k in keys]


class RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves DATA with HEAD and ranged GETs, as a file server on the Internet does."""

    data = b""

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()

    def do_GET(self):
        spec = self.headers.get("Range")
        body, status = self.data, 200
        if spec:
            first, last = spec[len("bytes="):].split("-")
            body, status = self.data[int(first):int(last) + 1], 206
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(data):
    handler = type("Handler", (RangeHandler,), {"data": data})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_urls_are_split_and_read_in_the_function(fexec, dataset):
    storage = dataset[0]
    data = rows_text(3000, seed=77)
    with serving(data) as url:
        files = [f"{url}/vocab.{n}.txt" for n in range(3)]
        futures, parts = map_objects(fexec, storage, count_url_words, files, obj_chunk_number=2)
        assert parts == [2, 2, 2]
        results = fexec.get_result(futures)
    assert sum(count for count, _, _ in results) == 3 * len(data.split())
    assert [u for _, u, _ in results] == [f for f in files for _ in range(2)]
    assert [i for _, _, i in results] == list(range(6))


def test_a_missing_key_fails_before_anything_runs(dataset):
    storage, bucket, _, _ = dataset
    with pytest.raises(oraclefn.StorageNoSuchKeyError):
        create_partitions(storage, count_words, f"{bucket}/dataset/absent.txt")
    with pytest.raises(oraclefn.NotFoundError, match="No objects found"):
        create_partitions(storage, count_words, f"{bucket}/nothing-here/")


def test_many_keys_keep_their_order(dataset):
    storage, bucket, _, sizes = dataset
    keys = [f"{bucket}/{key}" for key in sizes] * 20  # sized several at a time
    partitions, parts = create_partitions(storage, count_words, keys)
    assert parts == [1] * 100
    assert [p["obj"].key for p in partitions] == list(sizes) * 20


def test_reading_a_partition_twice_gives_the_same_rows(dataset):
    storage, bucket, _, sizes = dataset
    partitions, _ = create_partitions(storage, count_words, f"{bucket}/dataset/vocab.1.txt", obj_chunk_size=50000)
    sent = [pickle.loads(pickle.dumps(p["obj"])) for p in partitions]  # as each call receives its partition
    texts = [objects.open_partition(p["obj"], lambda: storage).data_stream.read() for p in partitions]
    assert b"".join(texts) == storage.get_object(bucket, "dataset/vocab.1.txt")
    assert objects.open_partition(sent[1], lambda: storage).data_stream.read() == texts[1]
