"""The emulator under clients that break HTTP or hold its resources: malformed framing, unsigned uploads, idle and
half-sent connections, more connections than it has descriptors for, names too long for its state directory.
Requests go over raw sockets, so what is on the wire is exactly what a hostile client sends."""
import json
import resource
import selectors
import socket
import threading
import time
import urllib.parse
import uuid

import oci
import pytest
from oci._vendor import requests  # the requests the oci signer is made for

from conftest import COMPARTMENT
from emulator_process import running_emulator

MIB = 1024 * 1024


# ---- raw HTTP over a socket


def address(url):
    parsed = urllib.parse.urlsplit(url)
    return parsed.hostname, parsed.port


def connect(url, source=None):
    return socket.create_connection(address(url), timeout=30, source_address=(source, 0) if source else None)


def signed_headers(oci_config, method, url):
    """The date, host and authorization headers of `method url` signed as the SDKs sign PutObject (the body is not
    signed), for requests written by hand."""
    signer = oci.signer.Signer(oci_config["tenancy"], oci_config["user"], oci_config["fingerprint"], oci_config["key_file"])
    prepared = requests.Request(method, url).prepare()
    signer.do_request_sign(prepared, enforce_content_headers=False)
    return {name: prepared.headers[name] for name in ("date", "host", "authorization")}


def request_head(method, target, headers):
    lines = [f"{method} {target} HTTP/1.1", *(f"{name}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def read_response(sock, buffered=b""):
    """One response from the socket: (Response, the bytes after it). A 1xx answer is a response of its own."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"the connection closed before a response head; received {data!r}")
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, value = line.split(":", 1)
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return Response(int(status_line.split()[1]), headers, rest[:length]), rest[length:]


def closed_by_server(sock, within=30):
    """Whether the server closes the connection (end of stream or reset) within `within` seconds; what it sent
    before is dropped."""
    sock.settimeout(within)
    try:
        while sock.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def rss_bytes(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS in /proc/{pid}/status")


def get_namespace(url, oci_config, sock):
    """A signed GetNamespace on an open connection."""
    sock.sendall(request_head("GET", "/n/", signed_headers(oci_config, "GET", url + "/n/")))
    response, _ = read_response(sock)
    return response


# ---- malformed framing


@pytest.mark.parametrize("chunks", [
    b"zz\r\nhello\r\n0\r\n\r\n",                      # a chunk size that is not hexadecimal
    b"FFFFFFFFFFFFFFFFFFFFFFFF\r\nhello\r\n",            # a chunk size that overflows 64 bits
    b"5\r\nhelloXX0\r\n\r\n",                            # chunk data not followed by CRLF
    b"-5\r\nhello\r\n0\r\n\r\n",                        # a negative chunk size
])
def test_bad_chunked_bodies_of_signed_requests_get_400_and_close(emulator, oci_config, namespace, bucket, chunks):
    target = f"/n/{namespace}/b/{bucket}/o/chunked"
    headers = signed_headers(oci_config, "PUT", emulator.url + target)
    with connect(emulator.url) as sock:
        sock.sendall(request_head("PUT", target, {**headers, "transfer-encoding": "chunked"}) + chunks)
        response, _ = read_response(sock)
        assert response.status == 400
        assert response.json()["code"] == "CannotParseRequest"
        assert "chunked" in response.json()["message"]
        assert response.headers["connection"] == "close"
        assert closed_by_server(sock)


@pytest.mark.parametrize("head", [
    b"PUT /n/ HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999999\r\n\r\n",
    b"PUT /n/ HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"GET /n/ HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n",
    b"NOT-HTTP\r\n\r\n",
])
def test_malformed_heads_get_400_and_close(emulator, head):
    with connect(emulator.url) as sock:
        sock.sendall(head)
        response, _ = read_response(sock)
        assert response.status == 400
        assert closed_by_server(sock)


# ---- the signature before the body


@pytest.mark.parametrize("path, status, code", [
    ("/n/{namespace}/b/{bucket}/o/unsigned", 401, "NotAuthenticated"),
    # a PAR URL's token is its credential: checked, as a signature is, before a byte of the body is read
    ("/p/no-such-token/n/{namespace}/b/{bucket}/o/unsigned", 404, "NotAuthorizedOrNotFound"),
], ids=["unsigned", "unknown PAR token"])
def test_a_refused_upload_with_expect_gets_its_answer_without_100_continue(emulator, namespace, bucket, path, status, code):
    host, port = address(emulator.url)
    with connect(emulator.url) as sock:
        sock.sendall(request_head("PUT", path.format(namespace=namespace, bucket=bucket), {
            "host": f"{host}:{port}", "content-length": str(400 * MIB), "expect": "100-continue"}))
        response, _ = read_response(sock)
        assert response.status == status
        assert response.json()["code"] == code
        assert response.headers["connection"] == "close"
        assert closed_by_server(sock)


def test_signed_upload_with_expect_gets_100_continue_then_is_stored(emulator, oci_config, object_storage, namespace, bucket):
    target = f"/n/{namespace}/b/{bucket}/o/expected"
    body = b"sent after 100 Continue"
    with connect(emulator.url) as sock:
        sock.sendall(request_head("PUT", target, {
            **signed_headers(oci_config, "PUT", emulator.url + target), "content-length": str(len(body)), "expect": "100-continue"}))
        interim, rest = read_response(sock)
        assert interim.status == 100
        sock.sendall(body)
        final, _ = read_response(sock, rest)
        assert final.status == 200
    assert object_storage.get_object(namespace, bucket, "expected").data.content == body


def test_signed_upload_larger_than_the_limit_is_refused_before_its_body(emulator, oci_config, namespace, bucket):
    target = f"/n/{namespace}/b/{bucket}/o/huge"
    with connect(emulator.url) as sock:
        sock.sendall(request_head("PUT", target, {
            **signed_headers(oci_config, "PUT", emulator.url + target), "content-length": str(4096 * MIB), "expect": "100-continue"}))
        response, _ = read_response(sock)
        assert response.status == 413
        assert response.json()["code"] == "RequestEntityTooLarge"


def test_unsigned_uploads_sent_without_waiting_do_not_grow_memory(emulator, namespace, bucket):
    """Four 400 MiB unsigned PUTs whose clients send the body at once, without Expect: the emulator answers 401
    on the head and drops what follows instead of collecting it."""
    size, senders = 400 * MIB, 4
    host, port = address(emulator.url)
    before = rss_bytes(emulator.pid)
    peak = [before]
    statuses = []
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_bytes(emulator.pid))
            time.sleep(0.02)

    def send(number):
        chunk = b"x" * MIB
        with connect(emulator.url) as sock:
            try:
                sock.sendall(request_head("PUT", f"/n/{namespace}/b/{bucket}/o/blast-{number}", {
                    "host": f"{host}:{port}", "content-length": str(size)}))
                for _ in range(size // MIB):
                    sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the emulator closed after answering
            try:
                statuses.append(read_response(sock)[0].status)
            except (ConnectionError, OSError):
                statuses.append("reset")

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=send, args=(number,)) for number in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    sampler.join()
    assert len(statuses) == senders and set(statuses) <= {401, "reset"}, statuses
    assert 401 in statuses, statuses
    growth = peak[0] - before
    assert growth < 100 * MIB, f"RSS grew by {growth / MIB:.0f} MiB while {senders} unsigned {size // MIB} MiB bodies were sent"


# ---- connection caps


@pytest.fixture(scope="module")
def capped_emulator(test_config_file):
    with running_emulator("--max-connections", "30", "--max-connections-per-client", "20",
                          config_file=test_config_file) as running:
        yield running


def expect_refused(url, source, cap_words):
    with connect(url, source) as sock:
        response, _ = read_response(sock)
        assert response.status == 503
        assert response.json()["code"] == "TooManyConnections"
        assert cap_words in response.json()["message"]
        assert closed_by_server(sock)


def open_served(url, oci_config, count, source):
    """`count` connections from `source`, each shown to be admitted by a request answered on it."""
    held = [connect(url, source) for _ in range(count)]
    for sock in held:
        assert get_namespace(url, oci_config, sock).status == 200
    return held


def test_connections_beyond_the_per_client_and_overall_caps_are_refused(capped_emulator, oci_config):
    url = capped_emulator.url
    held = []
    try:
        held += open_served(url, oci_config, 20, "127.0.0.1")
        expect_refused(url, "127.0.0.1", "This client address already holds the emulator's maximum of 20")
        held += open_served(url, oci_config, 10, "127.0.0.2")
        expect_refused(url, "127.0.0.2", "maximum of 30 connections")
        # the clients it holds are still served
        assert get_namespace(url, oci_config, held[0]).status == 200
        assert get_namespace(url, oci_config, held[-1]).status == 200
    finally:
        for sock in held:
            sock.close()
    assert served_again(url, oci_config)


def served_again(url, oci_config, within=30):
    """Whether a new connection is served once closed ones are released (which the server sees shortly after)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with connect(url) as sock:
            try:
                if get_namespace(url, oci_config, sock).status == 200:
                    return True
            except ConnectionError:
                pass
        time.sleep(0.2)
    return False


def answered_at_once(sockets, quiet=3):
    """The sockets the server writes to (a refusal) before `quiet` seconds pass with none written to."""
    answered = set()
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_READ)
        while events := selector.select(quiet):
            for key, _ in events:
                answered.add(key.fileobj)
                selector.unregister(key.fileobj)
    return answered


def test_more_idle_connections_than_descriptors_leave_the_emulator_serving(test_config_file, oci_config):
    """1,100 idle connections against a descriptor limit of 1,024: those beyond the cap are refused at once, the
    held ones are still served, and new ones are served again once some close."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 1400:
        pytest.skip(f"this test opens 1,100 connections; the descriptor limit here is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1400), hard))
    try:
        with running_emulator(config_file=test_config_file, descriptor_limit=1024) as running:
            sockets = [connect(running.url) for _ in range(1100)]
            try:
                refused = answered_at_once(sockets)
                held = [sock for sock in sockets if sock not in refused]
                # the cap is the descriptor limit less 128 kept for files and handlers
                assert len(held) <= 1024 - 128 and len(refused) >= 1100 - (1024 - 128), (len(held), len(refused))
                for sock in (held[0], held[-1]):
                    assert get_namespace(running.url, oci_config, sock).status == 200
                for sock in held[-100:]:
                    sock.close()
                assert served_again(running.url, oci_config)
            finally:
                for sock in sockets:
                    sock.close()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


# ---- header, body and idle timeouts


@pytest.fixture(scope="module")
def impatient_emulator(test_config_file):
    with running_emulator("--header-timeout", "1", "--body-timeout", "2", "--connection-idle-timeout", "1",
                          config_file=test_config_file) as running:
        yield running


@pytest.fixture(scope="module")
def impatient_storage(impatient_emulator, oci_config):
    return oci.object_storage.ObjectStorageClient(oci_config, service_endpoint=impatient_emulator.url)


def test_an_idle_connection_is_closed(impatient_emulator):
    with connect(impatient_emulator.url) as sock:
        assert closed_by_server(sock)


def test_a_half_sent_head_gets_408_and_is_closed(impatient_emulator):
    with connect(impatient_emulator.url) as sock:
        sock.sendall(b"GET /n/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        response, _ = read_response(sock)
        assert response.status == 408
        assert response.json()["code"] == "RequestTimeout"
        assert closed_by_server(sock)


def test_a_stalled_body_is_closed(impatient_emulator, oci_config, impatient_storage, namespace):
    object_storage = impatient_storage
    bucket = "stall-" + uuid.uuid4().hex[:8]
    object_storage.create_bucket(namespace, oci.object_storage.models.CreateBucketDetails(name=bucket, compartment_id=COMPARTMENT))
    target = f"/n/{namespace}/b/{bucket}/o/stalled"
    url = impatient_emulator.url
    with connect(url) as sock:
        sock.sendall(request_head("PUT", target, {**signed_headers(oci_config, "PUT", url + target), "content-length": "1000"}))
        sock.sendall(b"only ten b")
        assert closed_by_server(sock)
    assert object_storage.list_objects(namespace, bucket).data.objects == []
    object_storage.delete_bucket(namespace, bucket)


def test_a_slow_body_that_keeps_coming_and_a_reused_connection_are_served(impatient_emulator, oci_config, impatient_storage, namespace):
    """The body timeout is about progress, not the body's total time; a kept-alive connection that is reused
    before its idle timeout stays open."""
    object_storage = impatient_storage
    bucket = "slow-" + uuid.uuid4().hex[:8]
    object_storage.create_bucket(namespace, oci.object_storage.models.CreateBucketDetails(name=bucket, compartment_id=COMPARTMENT))
    target = f"/n/{namespace}/b/{bucket}/o/slow"
    url = impatient_emulator.url
    pieces = [b"piece %02d;" % number for number in range(12)]
    with connect(url) as sock:
        sock.sendall(request_head("PUT", target, {
            **signed_headers(oci_config, "PUT", url + target), "content-length": str(sum(map(len, pieces)))}))
        for piece in pieces:  # 12 x 0.3 s: longer than the 2 s body timeout in all, never 2 s without a byte
            sock.sendall(piece)
            time.sleep(0.3)
        response, _ = read_response(sock)
        assert response.status == 200
        assert get_namespace(url, oci_config, sock).status == 200
    assert object_storage.get_object(namespace, bucket, "slow").data.content == b"".join(pieces)
    object_storage.delete_object(namespace, bucket, "slow")
    object_storage.delete_bucket(namespace, bucket)


# ---- names the state directory cannot hold as they are


@pytest.mark.parametrize("length", [249, 256])
def test_a_bucket_name_of_up_to_256_characters_works_with_a_state_directory(object_storage, namespace, length):
    name = ("long-" + uuid.uuid4().hex + "x" * length)[:length]
    object_storage.create_bucket(namespace, oci.object_storage.models.CreateBucketDetails(name=name, compartment_id=COMPARTMENT))
    try:
        object_storage.put_object(namespace, name, "inside", b"kept")
        assert object_storage.get_bucket(namespace, name).data.name == name
        assert object_storage.get_object(namespace, name, "inside").data.content == b"kept"
        object_storage.delete_object(namespace, name, "inside")
    finally:
        object_storage.delete_bucket(namespace, name)
