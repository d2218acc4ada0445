"""Requests the emulator must refuse: each broken signature gets 401 NotAuthenticated (the SDK's
ServiceError), and leaves the state as it was."""
import email.utils
import json
import time
import uuid

import oci
import pytest
from oci._vendor import requests  # the requests the oci signer is made for
from oci._vendor.requests.utils import default_headers

from conftest import COMPARTMENT


@pytest.fixture
def signer(oci_config):
    return oci.signer.Signer(oci_config["tenancy"], oci_config["user"], oci_config["fingerprint"], oci_config["key_file"])


def signed(signer, method, url, body=None, headers=None):
    """A request prepared and signed as the SDK does, ready to be tampered with and sent."""
    headers = {"content-type": "application/json", **(headers or {})}
    return requests.Request(method, url, data=body, headers=headers, auth=signer).prepare()


def send(prepared):
    with requests.Session() as session:
        return session.send(prepared)


def assert_refused(answer):
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == "NotAuthenticated"
    assert answer.headers["opc-request-id"]


def flip_signature(prepared):
    authorization = prepared.headers["authorization"]
    start = authorization.index('signature="') + len('signature="')
    flipped = "B" if authorization[start] == "A" else "A"
    prepared.headers["authorization"] = authorization[:start] + flipped + authorization[start + 1:]


def drop_signed_header(name):
    def tamper(prepared):
        prepared.headers["authorization"] = prepared.headers["authorization"].replace(f" {name}", "")
    return tamper


def tamper_body(prepared):
    prepared.body = prepared.body.replace(b'"name"', b'"NAME"')


def change_path(prepared):
    prepared.url = prepared.url.replace("/b/", "/b/../b/")


def changed_date(prepared):
    prepared.headers["date"] = "Tue, 01 Jan 2019 00:00:00 GMT"


@pytest.mark.parametrize("tamper", [
    tamper_body, flip_signature, drop_signed_header("x-content-sha256"), drop_signed_header("host"), change_path, changed_date,
], ids=["tampered body", "flipped signature", "body hash not signed", "host not signed", "changed path", "changed date"])
def test_broken_signatures_are_refused_and_change_nothing(emulator, signer, object_storage, namespace, tamper):
    name = "refused-" + uuid.uuid4().hex[:8]
    body = json.dumps({"name": name, "compartmentId": COMPARTMENT}).encode()
    prepared = signed(signer, "POST", f"{emulator.url}/n/{namespace}/b/", body)
    tamper(prepared)
    assert_refused(send(prepared))
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        object_storage.get_bucket(namespace, name)
    assert missing.value.status == 404


def test_date_more_than_five_minutes_off_is_refused(emulator, signer, namespace):
    stale = email.utils.formatdate(time.time() - 301, usegmt=True)
    prepared = signed(signer, "GET", f"{emulator.url}/n/{namespace}/b?compartmentId={COMPARTMENT}", headers={"date": stale})
    answer = send(prepared)
    assert_refused(answer)
    assert "300 seconds" in answer.json()["message"]
    fresh = signed(signer, "GET", f"{emulator.url}/n/{namespace}/b?compartmentId={COMPARTMENT}",
                   headers={"date": email.utils.formatdate(time.time() - 200, usegmt=True)})
    assert send(fresh).status_code == 200


def test_reordered_query_is_refused(emulator, signer, namespace):
    prepared = signed(signer, "GET", f"{emulator.url}/n/{namespace}/b?compartmentId={COMPARTMENT}&limit=5")
    prepared.url = f"{emulator.url}/n/{namespace}/b?limit=5&compartmentId={COMPARTMENT}"
    assert_refused(send(prepared))


def test_missing_authorization_is_refused(emulator, namespace):
    answer = requests.get(f"{emulator.url}/n/{namespace}/b?compartmentId={COMPARTMENT}", headers=default_headers())
    assert_refused(answer)


def test_unknown_key_gives_the_sdk_a_401_service_error(emulator, oci_config, tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "other_key.pem"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    stranger = dict(oci_config, key_file=str(key_file), fingerprint="00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff")
    client = oci.object_storage.ObjectStorageClient(stranger, service_endpoint=emulator.url, retry_strategy=oci.retry.NoneRetryStrategy())
    with pytest.raises(oci.exceptions.ServiceError) as refused:
        client.get_namespace()
    assert (refused.value.status, refused.value.code) == (401, "NotAuthenticated")
    assert "keyId" in refused.value.message
