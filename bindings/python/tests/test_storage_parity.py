"""oraclefn.Storage as Lithops 3.8.0's Storage: built from each kind of configuration Lithops takes (a storage-only
one too), every public method with Lithops' shapes and StorageNoSuchKeyError, and the `storage` and `id`
parameters a function gets in the worker, against the emulator."""
import io
import json
import os
import pickle
import re
import uuid

import pytest

import oraclefn
from oraclefn import storage as storage_module
from oraclefn.storage import CloudObject, Storage, StorageNoSuchKeyError

from local_runtime import deploy_here


@pytest.fixture(scope="module")
def sections(config):
    """The emulator's configuration as Lithops' sections (a plain dict)."""
    return {name: dict(config[name]) for name in config}


@pytest.fixture(scope="module")
def bucket(config):
    name = "parity-%s" % uuid.uuid4().hex[:8]
    with Storage(config) as s:
        s.create_bucket(name)
    return name


@pytest.fixture
def storage(sections, bucket):
    with Storage(config={**sections, "oracle_oss": {**sections["oracle_oss"], "storage_bucket": bucket}}) as s:
        yield s


def round_trip(storage):
    key = "round-trip/%s" % uuid.uuid4().hex
    storage.put_object(storage.bucket, key, b"through " + storage.bucket.encode())
    assert storage.get_object(storage.bucket, key) == b"through " + storage.bucket.encode()
    storage.delete_object(storage.bucket, key)


# -- configurations ------------------------------------------------------------------------------------------------

def test_every_kind_of_configuration_lithops_takes(config, sections, bucket, tmp_path):
    with_bucket = {**sections, "oracle_oss": {**sections["oracle_oss"], "storage_bucket": bucket}}
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps(with_bucket))  # JSON is YAML
    lithops_storage_config = {"monitoring_interval": 2, "backend": "oracle_oss",
                              "oracle_oss": {**sections["oracle"], **with_bucket["oracle_oss"], "user_agent": "x"}}
    made = [
        Storage(oraclefn.load_config(path)),                # an oraclefn Config
        Storage(str(path)),                                 # a file
        Storage(config=with_bucket),                        # Lithops' configuration dict
        Storage(config=with_bucket, backend="oracle_oss"),
        Storage(storage_config=lithops_storage_config),     # lithops.config.extract_storage_config's shape
    ]
    for storage in made:
        assert storage.bucket == bucket and storage.backend == "oracle_oss"
        round_trip(storage)


def test_a_storage_only_configuration_needs_no_oracle_f_section(sections, bucket, tmp_path):
    no_functions = {"oracle": sections["oracle"], "oracle_oss": {**sections["oracle_oss"], "storage_bucket": bucket}}
    localhost = {"lithops": {"backend": "localhost", "storage": "oracle_oss", "mode": "localhost"}, **no_functions}
    with pytest.raises(oraclefn.ConfigError, match="oracle_f"):
        oraclefn.parse_config(json.dumps(no_functions))  # the library alone wants Functions' subnet
    for storage_only in (no_functions, localhost):
        round_trip(Storage(config=storage_only))
        path = tmp_path / "storage-only.yaml"
        path.write_text(json.dumps(storage_only))
        round_trip(Storage(str(path)))
    # only oracle_oss, with the account keys merged in, as Lithops keeps them
    round_trip(Storage(config={"oracle_oss": {**sections["oracle"], **no_functions["oracle_oss"]}}))


def test_a_storage_only_configuration_still_checks_what_storage_uses(sections, tmp_path):
    broken = {"oracle": {k: v for k, v in sections["oracle"].items() if k != "compartment_id"},
              "oracle_oss": sections["oracle_oss"]}
    with pytest.raises(oraclefn.ConfigError, match="compartment_id"):
        Storage(config=broken)
    path = tmp_path / "broken.yaml"
    path.write_text(json.dumps(broken))
    with pytest.raises(oraclefn.ConfigError, match="compartment_id") as raised:
        Storage(str(path))
    assert "oracle_f" not in str(raised.value), "the error is about storage, not the Functions it does not use"


def test_other_storage_backends_are_refused_with_the_reason(sections):
    with pytest.raises(oraclefn.ConfigError, match="oracle_oss"):
        Storage(config=sections, backend="aws_s3")
    with pytest.raises(oraclefn.ConfigError, match="localhost"):
        Storage(config={**sections, "lithops": {"storage": "localhost"}})
    with pytest.raises(oraclefn.ConfigError, match="ibm_cos"):
        Storage(storage_config={"backend": "ibm_cos", "ibm_cos": {}})
    with pytest.raises(TypeError):
        Storage(config=42)


def test_get_storage_config_makes_the_same_storage_again(storage):
    config = storage.get_storage_config()
    assert config["backend"] == "oracle_oss"
    assert config["oracle_oss"]["storage_bucket"] == storage.bucket
    assert storage.config is config
    again = Storage(storage_config=config)
    assert again.bucket == storage.bucket
    round_trip(again)


def test_inside_a_function_storage_is_the_calling_jobs(sections, bucket, monkeypatch):
    job = {"config": {**sections, "oracle_oss": {**sections["oracle_oss"], "storage_bucket": bucket}},
           "function": "f"}
    monkeypatch.setenv("ORACLEFN_JOB", json.dumps(job))
    storage = Storage()
    assert storage.bucket == bucket
    round_trip(storage)


def test_without_a_bucket_it_is_the_executors_default_bucket(sections):
    unnamed = {**sections, "oracle_oss": {k: v for k, v in sections["oracle_oss"].items() if k != "storage_bucket"}}
    storage = Storage(config=unnamed)
    user = sections["oracle"]["user"]
    assert storage.bucket == f"oraclefn-{sections['oracle']['region']}-{user[-8:-1]}"


# -- methods -------------------------------------------------------------------------------------------------------

def test_create_bucket_makes_it_when_missing_and_leaves_it_when_there(storage):
    name = "made-%s" % uuid.uuid4().hex[:8]
    with pytest.raises(StorageNoSuchKeyError):
        storage.head_bucket(name)
    assert storage.create_bucket(name) is None
    assert storage.head_bucket(name)["ResponseMetadata"]["HTTPStatusCode"] == 200
    storage.create_bucket(name)  # there already: nothing happens, as in Lithops
    with pytest.raises(oraclefn.ConflictError):
        storage.create_bucket(name, exist_ok=False)


def test_head_bucket_is_lithops_answer_and_a_missing_bucket_no_such_key(storage):
    answer = storage.head_bucket(storage.bucket)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "HTTPHeaders" in answer["ResponseMetadata"]
    with pytest.raises(StorageNoSuchKeyError) as raised:
        storage.head_bucket("no-such-bucket-%s" % uuid.uuid4().hex[:6])
    assert raised.value.key == "" and raised.value.code == "BucketNotFound"


def test_missing_objects_and_buckets_raise_storage_no_such_key_error_where_lithops_does(storage):
    missing = "missing-%s" % uuid.uuid4().hex[:6]
    for call in (lambda: storage.get_object(storage.bucket, "nope"),
                 lambda: storage.head_object(storage.bucket, "nope"),
                 lambda: storage.get_cloudobject(CloudObject("oracle_oss", storage.bucket, "nope")),
                 lambda: storage.delete_object(storage.bucket, "nope"),
                 lambda: storage.download_file(storage.bucket, "nope", os.devnull)):
        with pytest.raises(StorageNoSuchKeyError) as raised:
            call()
        assert raised.value.bucket == storage.bucket and raised.value.key == "nope"
        assert str(raised.value).startswith(f"No such key /{storage.bucket}/nope found in storage.")
    for call in (lambda: storage.list_keys(missing), lambda: storage.list_objects(missing, "p/"),
                 lambda: storage.put_object(missing, "k", b"x")):
        with pytest.raises(StorageNoSuchKeyError) as raised:
            call()
        assert raised.value.bucket == missing and raised.value.code == "BucketNotFound"


def test_storage_no_such_key_error_is_not_found_and_key_error_and_pickles(storage):
    with pytest.raises(StorageNoSuchKeyError) as raised:
        storage.get_object(storage.bucket, "absent")
    error = raised.value
    assert isinstance(error, oraclefn.NotFoundError) and isinstance(error, KeyError)
    assert oraclefn.StorageNoSuchKeyError is StorageNoSuchKeyError
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.bucket, copy.key, copy.code, copy.http_status, copy.opc_request_id) == \
        (type(error), str(error), error.bucket, error.key, error.code, error.http_status, error.opc_request_id)
    made = StorageNoSuchKeyError("b", "k")  # as Lithops code raises it
    assert str(made) == "No such key /b/k found in storage." and made.http_status == 404


def test_put_and_get_by_stream_and_by_range(storage):
    import io
    storage.put_object(storage.bucket, "stream/bytes", io.BytesIO(b"123"))
    stream = storage.get_object(storage.bucket, "stream/bytes", stream=True)
    assert hasattr(stream, "read") and stream.read() == b"123"
    storage.put_object(storage.bucket, "stream/digits", b"0123456789")
    assert storage.get_object(storage.bucket, "stream/digits", extra_get_args={"Range": "bytes=1-4"}) == b"1234"


def test_list_keys_and_objects_as_lithops_tests_them(storage):
    prefix = "lists-%s" % uuid.uuid4().hex[:6]
    keys = [f"{prefix}/foo/baz", f"{prefix}/foo/bar/baz", f"{prefix}/foo_bar/baz", f"{prefix}/foo_baz",
            f"{prefix}/bar", f"{prefix}/bar_baz"]
    for key in keys:
        storage.put_object(storage.bucket, key, key.encode())
    assert set(storage.list_keys(storage.bucket)) >= set(keys)
    assert sorted(storage.list_keys(storage.bucket, prefix + "/foo")) == sorted(keys[:4])
    assert sorted(storage.list_keys(storage.bucket, prefix + "/foo/")) == sorted(keys[:2])
    assert storage.list_keys(storage.bucket, prefix + "/doesnt_exist") == []
    objects = storage.list_objects(storage.bucket, prefix)
    assert sorted(o["Key"] for o in objects) == sorted(keys)
    assert all(o["Size"] == len(o["Key"].encode()) for o in objects)
    assert storage.list_objects(storage.bucket, prefix + "/doesnt_exist") == []


def test_head_object_gives_the_content_length_as_text(storage):
    storage.put_object(storage.bucket, "head/data", b"123456789")
    assert storage.head_object(storage.bucket, "head/data")["content-length"] == "9"


def test_cloudobjects_are_put_got_and_deleted(storage, monkeypatch):
    monkeypatch.delenv(storage_module.SESSION_VARIABLE, raising=False)
    first = storage.put_cloudobject(b"first")
    second = storage.put_cloudobject("second", key="own/key")
    elsewhere = storage.put_cloudobject(b"third", bucket=storage.bucket, key="own/other")
    assert first.backend == "oracle_oss" and first.bucket == storage.bucket
    assert first.key.startswith(storage_module.TEMP_PREFIX + "/") and "/cloudobject_" in first.key
    assert str(first) == f"<CloudObject at oracle_oss://{storage.bucket}/{first.key}>"
    assert (second.key, elsewhere.key) == ("own/key", "own/other")
    assert storage.get_cloudobject(first) == b"first"
    assert storage.get_cloudobject(second, stream=True).read() == b"second"
    assert pickle.loads(pickle.dumps(first)) == first
    monkeypatch.setenv(storage_module.SESSION_VARIABLE, "job-00001")
    named = storage.put_cloudobject(b"x")
    assert named.key.startswith(f"{storage_module.TEMP_PREFIX}/job-00001/cloudobject_")
    storage.delete_cloudobject(first)
    storage.delete_cloudobjects([second, elsewhere, named])
    for cloudobject in (first, second, elsewhere, named):
        with pytest.raises(StorageNoSuchKeyError):
            storage.get_cloudobject(cloudobject)


def test_a_cloudobject_of_another_backend_is_refused_before_anything_is_deleted(storage):
    kept = storage.put_cloudobject(b"kept")
    foreign = CloudObject("aws_s3", storage.bucket, kept.key)
    with pytest.raises(ValueError, match="Invalid Storage backend"):
        storage.delete_cloudobjects([kept, foreign])
    with pytest.raises(ValueError, match="Invalid Storage backend"):
        storage.get_cloudobject(foreign)
    assert storage.get_cloudobject(kept) == b"kept"


def test_download_file_writes_to_the_key_by_default(storage, tmp_path, monkeypatch):
    data = bytes(range(256)) * 41
    storage.put_object(storage.bucket, "files/deep/data.bin", data)
    monkeypatch.chdir(tmp_path)
    assert storage.download_file(storage.bucket, "files/deep/data.bin") is True
    assert (tmp_path / "files" / "deep" / "data.bin").read_bytes() == data
    storage.put_object(storage.bucket, "files/empty", b"")
    assert storage.download_file(storage.bucket, "files/empty", tmp_path / "empty")
    assert (tmp_path / "empty").read_bytes() == b""


def test_a_failed_download_leaves_an_existing_file_alone(storage, tmp_path):
    kept = tmp_path / "kept"
    kept.write_bytes(b"before")
    with pytest.raises(StorageNoSuchKeyError):
        storage.download_file(storage.bucket, "files/never-was", kept)
    assert kept.read_bytes() == b"before"
    with pytest.raises(StorageNoSuchKeyError):
        storage.download_file(storage.bucket, "files/never-was", tmp_path / "new")
    assert not (tmp_path / "new").exists()


def test_put_object_of_file_objects_sends_from_their_position(storage, tmp_path):
    path = tmp_path / "body"
    path.write_bytes(b"skip:0123456789")
    with open(path, "rb") as f:
        f.read(5)
        storage.put_object(storage.bucket, "files/from-5", f)
        assert f.read() == b""  # consumed, as if read
    with open(path, "rb", buffering=0) as f:
        storage.put_object(storage.bucket, "files/unbuffered", f)
    with open(path, "r", encoding="utf-8") as f:
        storage.put_object(storage.bucket, "files/text", f)
    read, write = os.pipe()
    os.write(write, b"through a pipe")
    os.close(write)
    with os.fdopen(read, "rb") as f:
        storage.put_object(storage.bucket, "files/pipe", f)
    bytes_io = io.BytesIO(b"xxin memory")
    bytes_io.seek(2)
    storage.put_object(storage.bucket, "files/bytes-io", bytes_io)
    assert bytes_io.tell() == 11
    assert storage.get_object(storage.bucket, "files/from-5") == b"0123456789"
    assert storage.get_object(storage.bucket, "files/unbuffered") == b"skip:0123456789"
    assert storage.get_object(storage.bucket, "files/text") == b"skip:0123456789"
    assert storage.get_object(storage.bucket, "files/pipe") == b"through a pipe"
    assert storage.get_object(storage.bucket, "files/bytes-io") == b"in memory"


def test_get_object_streams_in_ranged_reads(storage, monkeypatch):
    data = bytes(range(256)) * 41  # 10,496 bytes: 11 reads of 1,000
    storage.put_object(storage.bucket, "files/streamed", data)
    monkeypatch.setattr(storage_module, "STREAM_BLOCK", 1000)
    stream = storage.get_object(storage.bucket, "files/streamed", stream=True)
    pieces = list(iter(lambda: stream.read(1000), b""))
    assert len(pieces) == 11 and b"".join(pieces) == data
    stream = storage.get_object(storage.bucket, "files/streamed", stream=True)
    assert stream.read(10) == data[:10] and stream.read() == data[10:]
    stream.seek(-6, os.SEEK_END)
    assert stream.read() == data[-6:]
    ranged = storage.get_object(storage.bucket, "files/streamed", stream=True, extra_get_args={"Range": "bytes=100-199"})
    assert ranged.read() == data[100:200]
    suffix = storage.get_object(storage.bucket, "files/streamed", stream=True, extra_get_args={"Range": "bytes=-5"})
    assert suffix.read() == data[-5:]
    storage.put_object(storage.bucket, "files/empty-stream", b"")
    assert storage.get_object(storage.bucket, "files/empty-stream", stream=True).read() == b""
    with pytest.raises(StorageNoSuchKeyError):
        storage.get_object(storage.bucket, "files/never-was", stream=True)


def test_upload_file_takes_lithops_arguments(storage, tmp_path):
    source = tmp_path / "up.txt"
    source.write_bytes(b"uploaded")
    assert storage.upload_file(str(source), storage.bucket, "files/up.txt", extra_args={}, config=None) is True
    assert storage.get_object(storage.bucket, "files/up.txt") == b"uploaded"


def test_get_client_and_the_lithops_attributes(storage):
    assert storage.get_client() is storage
    assert storage.storage_handler is storage
    assert storage.backend == "oracle_oss"


# -- in the worker -------------------------------------------------------------------------------------------------

def count_words(key, bucket_name, storage=None):
    """Lithops' my_map_function_storage: the storage parameter is filled in by the worker."""
    return len(storage.get_object(bucket_name, key).split())


def put_counter(key, bucket_name, storage=None, id=None):
    """Stores a cloudobject from inside a call, and says which call it was."""
    words = storage.get_object(bucket_name, key).split()
    return id, storage.put_cloudobject(pickle.dumps(len(words)))


def sum_cloudobjects(cloudobjects, storage=None):
    return sum(pickle.loads(storage.get_cloudobject(co)) for co in cloudobjects)


def where_am_i(x, id=None, storage=None):
    return id, x, storage.bucket, type(storage).__name__


@pytest.fixture(scope="module")
def fexec(config, sections, bucket):
    function = deploy_here(config)
    with oraclefn.FunctionExecutor(config={**sections, "oracle_f": {**sections["oracle_f"], "runtime": function},
                                           "oracle_oss": {**sections["oracle_oss"], "storage_bucket": bucket}}) \
            as executor:
        yield executor


def test_a_function_gets_the_jobs_storage_and_its_call_index(fexec, bucket):
    results = fexec.get_result(fexec.map(where_am_i, ["a", "b", "c"]))
    assert results == [(0, "a", bucket, "Storage"), (1, "b", bucket, "Storage"), (2, "c", bucket, "Storage")]


def test_the_storage_parameter_reads_the_bucket_as_lithops_test_does(fexec, storage):
    storage.put_object(storage.bucket, "words/0", b"test storage handler")
    storage.put_object(storage.bucket, "words/1", b"test storage")
    iterdata = [(key, storage.bucket) for key in storage.list_keys(storage.bucket, "words/")]
    assert sum(fexec.get_result(fexec.map(count_words, iterdata))) == 5


def test_cloudobjects_made_in_one_call_are_read_in_the_next_and_cleaned(fexec, storage):
    storage.put_object(storage.bucket, "co/0", b"one two three")
    storage.put_object(storage.bucket, "co/1", b"four five")
    results = fexec.get_result(fexec.map(put_counter, [("co/0", storage.bucket), ("co/1", storage.bucket)]))
    assert [index for index, _ in results] == [0, 1]
    cloudobjects = [co for _, co in results]
    assert all(isinstance(co, CloudObject) for co in cloudobjects)
    assert len({co.key.rsplit("/", 1)[0] for co in cloudobjects}) == 2, "each call is a session of its own"
    for index, co in enumerate(cloudobjects):  # named after the call: <job id>-<call id>
        assert re.fullmatch(re.escape(storage_module.TEMP_PREFIX) + r"/[^/]+-0000%d/cloudobject_[0-9a-f]+" % index,
                            co.key), co.key
    assert fexec.get_result(fexec.call_async(sum_cloudobjects, (cloudobjects,))) == 5
    storage.delete_cloudobjects(cloudobjects)
    assert all(co.key not in storage.list_keys(storage.bucket, storage_module.TEMP_PREFIX) for co in cloudobjects)


def test_the_readme_storage_example_runs_as_written(tmp_path):
    """No configuration anywhere: Storage() is the embedded emulator's, as FunctionExecutor() is."""
    import pathlib
    import subprocess
    import sys
    readme = (pathlib.Path(__file__).resolve().parents[3] / "README.md").read_text()
    code = readme.split("<!-- python-storage -->\n```python\n", 1)[1].split("```", 1)[0]
    code += ("\nassert storage.bucket == oraclefn.FunctionExecutor().bucket\n"
             "assert storage.head_bucket(storage.bucket)['ResponseMetadata']['HTTPStatusCode'] == 200\n")
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("LITHOPS_CONFIG_FILE", "ORACLEFN_JOB")}
    environment["HOME"] = str(tmp_path)
    ran = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=environment, capture_output=True, text=True,
                         timeout=300)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "['data/words.txt']\nb'kept for the next job'\ndata/missing\n"
