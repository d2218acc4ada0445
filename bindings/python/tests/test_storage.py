"""oraclefn.Storage against the emulator: every operation, Lithops' shapes, 2,600-object listings,
a 200 MiB multipart round trip by hash, and TLS with a self-signed certificate."""
import concurrent.futures
import contextlib
import hashlib
import io
import socket
import ssl
import subprocess
import threading
import uuid

import pytest

import oraclefn


@pytest.fixture
def storage(config):
    with oraclefn.Storage(config) as s:
        yield s


@pytest.fixture
def bucket(storage):
    name = "storage-%s" % uuid.uuid4().hex[:10]
    storage.create_bucket(name)
    return name


def test_configured_bucket(storage, config):
    assert storage.bucket == config["oracle_oss"]["storage_bucket"]
    assert storage.backend == "oracle_oss"


def test_namespace_is_asked_of_the_service_unless_configured(storage, fixtures):
    assert storage.namespace() == "oraclefn"  # the emulator's
    offline = oraclefn.load_config(fixtures / "config" / "valid.yaml", oracle={"tenancy_namespace": "ns"})
    with oraclefn.Storage(offline) as configured:  # no endpoint: no request, so none can fail
        assert configured.namespace() == "ns"


def test_create_bucket_twice_is_a_conflict_only_when_asked(storage, bucket):
    storage.create_bucket(bucket)  # as Lithops' create_bucket: made if it does not exist
    with pytest.raises(oraclefn.ConflictError) as raised:
        storage.create_bucket(bucket, exist_ok=False)
    assert raised.value.http_status == 409
    assert raised.value.code == "BucketAlreadyExists"
    assert raised.value.opc_request_id


def test_put_and_get_every_kind_of_body(storage, bucket):
    storage.put_object(bucket, "bytes", b"\x00\x01binary\xff")
    storage.put_object(bucket, "str", "héllo")
    storage.put_object(bucket, "bytearray", bytearray(b"mutable"))
    storage.put_object(bucket, "memoryview", memoryview(b"0123456789")[2:5])
    storage.put_object(bucket, "file", io.BytesIO(b"from a file"))
    storage.put_object(bucket, "empty", b"")
    assert storage.get_object(bucket, "bytes") == b"\x00\x01binary\xff"
    assert storage.get_object(bucket, "str") == "héllo".encode()
    assert storage.get_object(bucket, "bytearray") == b"mutable"
    assert storage.get_object(bucket, "memoryview") == b"234"
    assert storage.get_object(bucket, "file", stream=True).read() == b"from a file"
    assert storage.get_object(bucket, "empty") == b""
    with pytest.raises(TypeError):
        storage.put_object(bucket, "bad", 42)


def test_get_by_range(storage, bucket):
    storage.put_object(bucket, "digits", b"0123456789")
    assert storage.get_object(bucket, "digits", extra_get_args={"Range": "bytes=1-4"}) == b"1234"
    assert storage.get_object(bucket, "digits", extra_get_args={"Range": "bytes=7-"}) == b"789"
    assert storage.get_object(bucket, "digits", extra_get_args={"Range": "bytes=-2"}) == b"89"
    with pytest.raises(ValueError):
        storage.get_object(bucket, "digits", extra_get_args={"Range": "lines=1-2"})
    with pytest.raises(oraclefn.InvalidArgumentError):
        storage.get_object(bucket, "digits", extra_get_args={"Range": "bytes=5-2"})


def test_head_object(storage, bucket):
    storage.put_object(bucket, "dir/name with spaces.txt", b"12345")
    head = storage.head_object(bucket, "dir/name with spaces.txt")
    assert head["content-length"] == "5"
    assert head["etag"]
    assert head["content-md5"]


def test_missing_keys_raise_not_found_which_is_a_key_error(storage, bucket):
    for call in (lambda: storage.get_object(bucket, "nope"), lambda: storage.head_object(bucket, "nope"),
                 lambda: storage.delete_object(bucket, "nope")):
        with pytest.raises(KeyError):
            call()
    with pytest.raises(oraclefn.NotFoundError) as raised:
        storage.get_object(bucket, "nope")
    assert raised.value.code == "ObjectNotFound"
    assert raised.value.http_status == 404
    assert "GetObject" in str(raised.value)
    with pytest.raises(oraclefn.NotFoundError) as raised:
        storage.get_object("no-such-bucket-%s" % uuid.uuid4().hex[:6], "x")
    assert raised.value.code == "BucketNotFound"


def test_list_keys_and_objects_with_lithops_prefix_semantics(storage, bucket):
    for key in ["foo/a", "foo/b/c", "foobar", "other"]:
        storage.put_object(bucket, key, b"x" * len(key))
    assert storage.list_keys(bucket) == ["foo/a", "foo/b/c", "foobar", "other"]
    assert storage.list_keys(bucket, "foo") == ["foo/a", "foo/b/c", "foobar"]
    assert storage.list_keys(bucket, "foo/") == ["foo/a", "foo/b/c"]
    assert storage.list_keys(bucket, "missing/") == []
    objects = storage.list_objects(bucket, "foo/")
    assert [o["Key"] for o in objects] == ["foo/a", "foo/b/c"]
    assert [o["Size"] for o in objects] == [5, 7]
    assert all(o["LastModified"] and o["ETag"] for o in objects)
    assert [o["Key"] for o in storage.list_objects(bucket, match_pattern="*/c")] == ["foo/b/c"]
    assert storage.list_prefixes(bucket, "foo/") == ["foo/b/"]


def test_delete_object_and_objects(storage, bucket):
    for key in ["a", "b", "c", "d"]:
        storage.put_object(bucket, key, b"1")
    storage.delete_object(bucket, "a")
    storage.delete_objects(bucket, ["b", "c", "never-existed"])
    storage.delete_objects(bucket, [])
    assert storage.list_keys(bucket) == ["d"]


def test_listing_over_2500_objects(storage, bucket):
    keys = ["many/%05d" % i for i in range(2600)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: storage.put_object(bucket, k, k.encode()), keys))
    assert storage.list_keys(bucket, "many/") == keys
    assert len(storage.list_objects(bucket)) == 2600
    storage.delete_objects(bucket, keys)
    assert storage.list_keys(bucket) == []


def test_200_mib_multipart_round_trip_checked_by_hash(storage, bucket):
    block = bytes(range(256)) * 4096  # 1 MiB
    data = bytearray()
    for i in range(200):
        data += bytes([i]) + block[1:]
    expected = hashlib.sha256(data).hexdigest()
    storage.put_object(bucket, "big/200MiB", data)
    head = storage.head_object(bucket, "big/200MiB")
    assert head["content-length"] == str(200 << 20)
    assert head["opc-multipart-md5"].endswith("-4"), "above 128 MiB the upload goes in 64 MiB parts"
    got = storage.get_object(bucket, "big/200MiB")
    assert len(got) == 200 << 20
    assert hashlib.sha256(got).hexdigest() == expected


def test_upload_and_download_file(storage, bucket, tmp_path):
    source = tmp_path / "in.bin"
    source.write_bytes(b"file content " * 1000)
    assert storage.upload_file(source, bucket, "files/in.bin")
    assert storage.upload_file(source, bucket)
    assert storage.list_keys(bucket, "") == ["files/in.bin", "in.bin"]
    target = tmp_path / "out.bin"
    assert storage.download_file(bucket, "files/in.bin", target)
    assert target.read_bytes() == source.read_bytes()
    with pytest.raises(oraclefn.InvalidArgumentError):
        storage.upload_file(tmp_path / "missing.bin", bucket)


def test_closed_storage_refuses_calls(config):
    s = oraclefn.Storage(config)
    s.close()
    with pytest.raises(oraclefn.InvalidArgumentError):
        s.list_keys("x")


@contextlib.contextmanager
def tls_proxy(target_url, cert, key):
    """A TLS front for the emulator on 127.0.0.1: decrypts and forwards each connection."""
    host, port = target_url.split("//")[1].split(":")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    stopping = threading.Event()

    def pump(a, b):
        try:
            while chunk := a.recv(65536):
                b.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def serve():
        while not stopping.is_set():
            try:
                raw, _ = listener.accept()
            except OSError:
                return
            try:
                secure = context.wrap_socket(raw, server_side=True)
            except (ssl.SSLError, OSError):
                raw.close()
                continue
            upstream = socket.create_connection((host, int(port)))
            threading.Thread(target=pump, args=(secure, upstream), daemon=True).start()
            threading.Thread(target=pump, args=(upstream, secure), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield "https://127.0.0.1:%d" % listener.getsockname()[1]
    finally:
        stopping.set()
        listener.close()


def test_self_signed_tls_refused_without_its_ca_file_and_accepted_with_it(emulator, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    with tls_proxy(emulator.url, cert, key) as https_url:
        refused = oraclefn.Storage(oraclefn.load_config(
            emulator.config_file, oracle_oss={"endpoint": https_url, "retry_max_attempts": 1}))
        with pytest.raises(oraclefn.NetworkError) as raised:
            refused.create_bucket("tls-bucket")
        assert "ca_file" in str(raised.value)

        trusting = oraclefn.Storage(oraclefn.load_config(
            emulator.config_file, oracle_oss={"endpoint": https_url, "ca_file": str(cert)}))
        trusting.create_bucket("tls-bucket")
        trusting.put_object("tls-bucket", "over-tls", b"secret payload")
        assert trusting.get_object("tls-bucket", "over-tls") == b"secret payload"
