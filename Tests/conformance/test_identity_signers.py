"""Every OCI credential mode against the emulator, through the real oci SDK's signers: a session token (the
[SESSION] profile `oraclefn emulator --state` writes), instance principals (the metadata stand-in and X.509
federation), resource principals (the files it writes for them), token expiry and session refresh."""
import datetime
import hashlib
import json
import os
import time
import uuid

import jwt
import oci
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from oci._vendor import requests

from conftest import COMPARTMENT, TENANCY, USER
from emulator_process import running_emulator

EMULATOR_TENANCY = "ocid1.tenancy.oc1..aaaaaaaaoraclefnemulatortenancy"
EMULATOR_INSTANCE = "ocid1.instance.oc1.iad.aaaaaaaaoraclefnemulatorinstance"


def profile(emulator, name):
    path = os.path.join(emulator.state_directory, "oci_config")
    config = oci.config.from_file(path, name)
    oci.config.validate_config(config)
    return config


def session_signer(config):
    with open(config["security_token_file"]) as token_file:
        token = token_file.read()
    return token, oci.auth.signers.SecurityTokenSigner(token, oci.signer.load_private_key_from_file(config["key_file"]))


def storage(emulator, signer):
    return oci.object_storage.ObjectStorageClient({"region": "us-ashburn-1"}, signer=signer, service_endpoint=emulator.url)


def bucket_created_by(client):
    """Creates a bucket with `client` and returns who the emulator recorded as its creator (the signer's subject)."""
    name = "identity-" + uuid.uuid4().hex[:10]
    bucket = client.create_bucket("oraclefn", oci.object_storage.models.CreateBucketDetails(name=name, compartment_id=COMPARTMENT)).data
    client.delete_bucket("oraclefn", name)
    return bucket.created_by


def test_oci_config_has_the_api_key_and_session_profiles(emulator):
    default = profile(emulator, "DEFAULT")
    assert (default["user"], default["tenancy"]) == (USER, TENANCY)
    api_key_client = oci.object_storage.ObjectStorageClient(default, service_endpoint=emulator.url)
    assert api_key_client.get_namespace().data == "oraclefn"

    session = profile(emulator, "SESSION")
    assert session["security_token_file"] == os.path.join(emulator.state_directory, "sessions", "SESSION", "token")
    assert session["key_file"] == os.path.join(emulator.state_directory, "sessions", "SESSION", "oci_api_key.pem")
    assert session["tenancy"] == TENANCY
    public_der = oci.signer.load_private_key_from_file(session["key_file"]).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashlib.md5(public_der).hexdigest()
    assert session["fingerprint"] == ":".join(digest[i:i + 2] for i in range(0, 32, 2)), "the session key's fingerprint"


def test_security_token_signer_with_the_session_profile(emulator):
    config = profile(emulator, "SESSION")
    token, signer = session_signer(config)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["sub"], claims["tenant"], claims["ptype"]) == (USER, TENANCY, "user")
    assert claims["exp"] - claims["iat"] == 3600, "the default --token-lifetime"
    assert json.loads(claims["jwk"])["kty"] == "RSA"

    client = storage(emulator, signer)
    assert client.get_namespace().data == "oraclefn"
    client.list_buckets("oraclefn", COMPARTMENT)
    assert bucket_created_by(client) == USER

    # the same token signed with another key is refused
    stranger = oci.auth.signers.SecurityTokenSigner(token, oci.signer.load_private_key_from_file(
        os.path.join(emulator.state_directory, "resource_principal", "private.pem")))
    with pytest.raises(oci.exceptions.ServiceError) as refused:
        storage(emulator, stranger).get_namespace()
    assert refused.value.status == 401 and refused.value.code == "NotAuthenticated"
    assert token not in refused.value.message


def test_instance_principals_signer_through_metadata_and_federation(emulator, monkeypatch):
    metadata = emulator.url + "/opc/v2"
    assert requests.get(metadata + "/instance/region").status_code == 401, "IMDSv2 wants Authorization: Bearer Oracle"
    assert requests.get(metadata + "/instance/region", headers={"Authorization": "Bearer Oracle"}).text == "iad"

    monkeypatch.setenv("OCI_METADATA_BASE_URL", metadata)
    signer = oci.auth.signers.InstancePrincipalsSecurityTokenSigner(federation_endpoint=emulator.url + "/v1/x509")
    assert signer.tenancy_id == EMULATOR_TENANCY, "read from the certificate's opc-tenant: subject value"
    assert signer.region == "us-ashburn-1"
    claims = jwt.decode(signer.federation_client.get_security_token(), options={"verify_signature": False})
    assert (claims["sub"], claims["tenant"], claims["ptype"]) == (EMULATOR_INSTANCE, EMULATOR_TENANCY, "instance")

    client = storage(emulator, signer)
    assert client.get_namespace().data == "oraclefn"
    assert bucket_created_by(client) == EMULATOR_INSTANCE


def test_federation_refuses_a_certificate_it_did_not_issue(emulator):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, EMULATOR_INSTANCE),
                         x509.NameAttribute(x509.oid.NameOID.ORGANIZATIONAL_UNIT_NAME, "opc-tenant:" + EMULATOR_TENANCY)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
                   .serial_number(7).not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    retriever = oci.auth.certificate_retriever.PEMStringCertificateRetriever(
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
        private_key_pem=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    client = oci.auth.federation_client.X509FederationClient(
        federation_endpoint=emulator.url + "/v1/x509", tenancy_id=EMULATOR_TENANCY,
        session_key_supplier=oci.auth.session_key_supplier.SessionKeySupplier(), leaf_certificate_retriever=retriever,
        retry_strategy=oci.retry.NoneRetryStrategy(), circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())
    with pytest.raises(oci.exceptions.ServiceError) as refused:
        client.get_security_token()
    assert refused.value.status == 401 and "intermediate" in refused.value.message


def test_resource_principals_signer_with_the_written_files(emulator, monkeypatch):
    folder = os.path.join(emulator.state_directory, "resource_principal")
    monkeypatch.setenv("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2")
    monkeypatch.setenv("OCI_RESOURCE_PRINCIPAL_RPST", os.path.join(folder, "rpst"))
    monkeypatch.setenv("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", os.path.join(folder, "private.pem"))
    monkeypatch.setenv("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1")
    signer = oci.auth.signers.get_resource_principals_signer()
    assert signer.tenancy_id == EMULATOR_TENANCY and signer.compartment_id == EMULATOR_TENANCY
    client = storage(emulator, signer)
    assert client.get_namespace().data == "oraclefn"
    assert bucket_created_by(client).startswith("ocid1.fnfunc.")


def test_session_refresh_as_oci_session_refresh_sends_it(emulator):
    config = profile(emulator, "SESSION")
    token, signer = session_signer(config)
    refresh_url = emulator.url + "/v1/authentication/refresh"

    mismatched = requests.post(refresh_url, headers={"content-type": "application/json"},
                               data=json.dumps({"currentToken": token + "x"}), auth=signer)
    assert mismatched.status_code == 401

    time.sleep(1.1)  # so the refreshed token's iat differs
    response = requests.post(refresh_url, headers={"content-type": "application/json"},
                             data=json.dumps({"currentToken": token}), auth=signer)
    assert response.status_code == 200, response.text
    refreshed = response.json()["token"]
    assert refreshed != token
    old_claims = jwt.decode(token, options={"verify_signature": False})
    new_claims = jwt.decode(refreshed, options={"verify_signature": False})
    assert new_claims["exp"] > old_claims["exp"] and new_claims["jwk"] == old_claims["jwk"]
    assert (new_claims["sub"], new_claims["ptype"]) == (USER, "user")

    renewed = oci.auth.signers.SecurityTokenSigner(refreshed, oci.signer.load_private_key_from_file(config["key_file"]))
    assert storage(emulator, renewed).get_namespace().data == "oraclefn"


def test_expired_token_gets_401(test_config_file):
    with running_emulator("--token-lifetime", "2", config_file=test_config_file) as short:
        config = profile(short, "SESSION")
        token, signer = session_signer(config)
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["exp"] - claims["iat"] == 2
        time.sleep(max(0.0, claims["exp"] - time.time()) + 1.0)
        with pytest.raises(oci.exceptions.ServiceError) as expired:
            storage(short, signer).get_namespace()
        assert expired.value.status == 401 and expired.value.code == "NotAuthenticated"
        assert "expired" in expired.value.message
        refresh = requests.post(short.url + "/v1/authentication/refresh", headers={"content-type": "application/json"},
                                data=json.dumps({"currentToken": token}), auth=signer)
        assert refresh.status_code == 401, "an expired token cannot refresh itself"
