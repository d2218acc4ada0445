import base64
import json
import threading

import pytest

import oraclefn


def vectors(fixtures, name):
    doc = json.loads((fixtures / "vectors" / name).read_text())
    return doc["vectors"]


def all_vectors():
    from conftest import FIXTURES
    return [v for name in ("signer_vectors.json", "docs_vectors.json") for v in vectors(FIXTURES, name)]


def auth_params(header):
    assert header.startswith("Signature ")
    return dict(part.split("=", 1) for part in header[len("Signature "):].split(","))


def body_of(v):
    if v.get("body_b64"):
        return base64.b64decode(v["body_b64"])
    if v.get("body_utf8"):
        return v["body_utf8"].encode("utf-8")
    return None


@pytest.mark.parametrize("v", all_vectors(), ids=lambda v: v["name"])
def test_vector_is_byte_exact(v, fixtures):
    signer = oraclefn.Signer(str(fixtures / "vectors" / v["key_file"]), v["key_id"], v.get("pass_phrase"))
    sign_body = "x-content-sha256" in v["signed_headers"]
    headers = signer.sign(v["method"], v["url"], v["headers_in"], body_of(v), sign_body=sign_body)
    expected = v.get("expected_authorization") or v["expected_authorization_oci_python_sdk"]
    if expected.startswith("Signature algorithm="):
        assert headers["authorization"] == expected  # the oci SDK's parameter order: byte-exact
    else:
        assert auth_params(headers["authorization"]) == auth_params(expected)  # Oracle's order
    assert all(name == name.lower() for name in headers)
    if sign_body:
        assert headers["content-length"] == str(len(body_of(v) or b""))
        assert "x-content-sha256" in headers


def test_default_rule_matches_the_sdk(fixtures):
    for v in vectors(fixtures, "signer_vectors.json"):
        if v.get("enforce_content_headers") is None:
            continue
        signer = oraclefn.Signer(str(fixtures / "vectors" / v["key_file"]), v["key_id"], v.get("pass_phrase"))
        headers = signer.sign(v["method"], v["url"], v["headers_in"], body_of(v))
        signs = "x-content-sha256" in headers
        if v["name"] == "put_object_binary_with_body_headers_signed":
            assert not signs  # PutObject's body is not signed by default
        else:
            assert signs == ("x-content-sha256" in v["signed_headers"]), v["name"]


def test_current_date_is_used_when_none_given(fixtures):
    key = fixtures / "vectors" / "test2048_private_pkcs8.pem"
    headers = oraclefn.Signer(str(key), "t/u/f").sign("GET", "https://h.example/x")
    assert headers["date"].endswith(" GMT")
    assert headers["host"] == "h.example"


def test_from_config_uses_the_configured_key(valid_yaml):
    cfg = oraclefn.parse_config(valid_yaml)
    signer = oraclefn.Signer.from_config(cfg)
    headers = signer.sign("GET", "https://objectstorage.eu-madrid-1.oraclecloud.com/n/")
    assert 'keyId="%s/%s/%s"' % (cfg["oracle"]["tenancy"], cfg["oracle"]["user"], cfg["oracle"]["fingerprint"]) \
        in headers["authorization"]


@pytest.mark.parametrize("key,pass_phrase,fragment", [
    ("test2048_private_pkcs8_encrypted.pem", None, "pass"),
    ("test2048_private_pkcs8_encrypted.pem", "wrong", "pass"),
    ("test2048_public.pem", None, "public"),
])
def test_key_errors(fixtures, key, pass_phrase, fragment):
    with pytest.raises(oraclefn.KeyFileError) as e:
        oraclefn.Signer(str(fixtures / "vectors" / key), "t/u/f", pass_phrase)
    assert fragment in str(e.value).lower()
    assert isinstance(e.value, oraclefn.ConfigError)
    if pass_phrase:
        assert pass_phrase not in str(e.value)


def test_missing_key_file(tmp_path):
    with pytest.raises(oraclefn.KeyFileError, match="nope.pem"):
        oraclefn.Signer(str(tmp_path / "nope.pem"), "t/u/f")


def test_bad_arguments(fixtures):
    signer = oraclefn.Signer(str(fixtures / "vectors" / "test2048_private_pkcs8.pem"), "t/u/f")
    with pytest.raises(TypeError):
        signer.sign("GET", "https://h/", body=5)
    with pytest.raises(TypeError):
        signer.sign("GET", "https://h/", sign_body="yes")
    with pytest.raises(oraclefn.InvalidArgumentError):
        oraclefn.Signer(str(fixtures / "vectors" / "test2048_private_pkcs8.pem"), "")
    signer.close()
    with pytest.raises(oraclefn.InvalidArgumentError, match="closed"):
        signer.sign("GET", "https://h/")


def test_errors_stay_on_their_thread(fixtures):
    """The last error is per thread: concurrent failures never mix messages."""
    problems = []

    def worker(i):
        for _ in range(50):
            missing = "/nonexistent/key-%d.pem" % i
            try:
                oraclefn.Signer(missing, "t/u/f")
            except oraclefn.KeyFileError as e:
                if missing not in str(e):
                    problems.append(str(e))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert problems == []


def test_sign_from_many_threads(fixtures):
    signer = oraclefn.Signer(str(fixtures / "vectors" / "test2048_private_pkcs8.pem"), "t/u/f")
    date = "Tue, 02 Jun 2026 10:20:30 GMT"
    expected = signer.sign("GET", "https://h/x", {"date": date})["authorization"]
    results = []

    def worker():
        for _ in range(20):
            results.append(signer.sign("GET", "https://h/x", {"date": date})["authorization"])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 160
