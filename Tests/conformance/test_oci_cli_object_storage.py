"""The everyday `oci os` commands of Oracle's own command-line tool (PyPI oci-cli) against the emulator, and
pre-authenticated request URLs fetched with plain curl, as users hand them to people without keys."""
import datetime
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
import uuid

import oci
import pytest

from conftest import COMPARTMENT

MODELS = oci.object_storage.models
OCI = pathlib.Path(sys.executable).parent / "oci"


@pytest.fixture(scope="module")
def oci_cli(emulator, oci_config, tmp_path_factory):
    """Runs `oci ARGUMENTS` against the emulator with the test key; returns the parsed JSON output (or None)."""
    assert OCI.exists(), f"{OCI} is missing: install oci-cli with scripts/setup-venv.sh (scripts/requirements-test.txt)"
    home = tmp_path_factory.mktemp("oci-cli-home")
    config = home / "config"
    config.write_text("[DEFAULT]\n" + "".join(f"{key}={value}\n" for key, value in oci_config.items()))
    config.chmod(0o600)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OCI_")}
    environment.update(HOME=str(home), OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING="True")

    def run(*arguments):
        command = [str(OCI), "--config-file", str(config), "--auth", "api_key", "--endpoint", emulator.url, "--no-retry", *arguments]
        finished = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120)
        assert finished.returncode == 0, f"{' '.join(arguments)} failed ({finished.returncode}): {finished.stderr}"
        return json.loads(finished.stdout) if finished.stdout.strip() else None

    return run


@pytest.fixture
def cli_bucket(object_storage, namespace):
    """A bucket for the CLI to fill; `oci os bucket delete --empty` is tested on its own ones."""
    name = "cli-" + uuid.uuid4().hex[:10]
    object_storage.create_bucket(namespace, MODELS.CreateBucketDetails(name=name, compartment_id=COMPARTMENT))
    yield name
    for summary in oci.pagination.list_call_get_all_results(object_storage.list_objects, namespace, name).data.objects:
        object_storage.delete_object(namespace, name, summary.name)
    for request in object_storage.list_preauthenticated_requests(namespace, name).data:
        object_storage.delete_preauthenticated_request(namespace, name, request.id)
    object_storage.delete_bucket(namespace, name)


def curl(url, *arguments):
    """Fetches a URL with the curl binary: (HTTP status, body)."""
    curl_binary = shutil.which("curl")
    assert curl_binary, "curl is not installed; install it (Debian: apt-get install curl)"
    finished = subprocess.run([curl_binary, "--silent", "--show-error", "--write-out", "\n%{http_code}", *arguments, url],
                              capture_output=True, timeout=60, check=True)
    body, _, status = finished.stdout.rpartition(b"\n")
    return int(status), body


def test_ns_get_metadata(oci_cli, namespace):
    metadata = oci_cli("os", "ns", "get-metadata")["data"]
    assert metadata["namespace"] == namespace
    assert metadata["default-s3-compartment-id"]


def test_bucket_update_metadata_and_get_with_approximate_totals(oci_cli, cli_bucket, object_storage, namespace):
    updated = oci_cli("os", "bucket", "update", "--bucket-name", cli_bucket, "--metadata", '{"team": "data"}')["data"]
    assert updated["metadata"] == {"team": "data"}
    object_storage.put_object(namespace, cli_bucket, "one", b"1234")
    got = oci_cli("os", "bucket", "get", "--bucket-name", cli_bucket, "--fields", "approximateCount", "--fields", "approximateSize")["data"]
    assert (got["metadata"], got["approximate-count"], got["approximate-size"]) == ({"team": "data"}, 1, 4)


def test_object_put_with_storage_tier_then_head_and_list(oci_cli, cli_bucket, tmp_path):
    source = tmp_path / "cold.txt"
    source.write_bytes(b"kept cold")
    oci_cli("os", "object", "put", "--bucket-name", cli_bucket, "--name", "cold.txt", "--file", str(source),
            "--storage-tier", "InfrequentAccess")
    head = oci_cli("os", "object", "head", "--bucket-name", cli_bucket, "--name", "cold.txt")
    assert head["storage-tier"] == "InfrequentAccess"
    listed = oci_cli("os", "object", "list", "--bucket-name", cli_bucket, "--fields", "name,size,storageTier")["data"]
    assert [(o["name"], o["size"], o["storage-tier"]) for o in listed] == [("cold.txt", 9, "InfrequentAccess")]


def test_object_rename_and_copy(oci_cli, cli_bucket, object_storage, namespace):
    object_storage.put_object(namespace, cli_bucket, "draft", b"text", opc_meta={"owner": "ada"}, storage_tier="InfrequentAccess")
    oci_cli("os", "object", "rename", "--bucket-name", cli_bucket, "--source-name", "draft", "--new-name", "final")
    assert [o.name for o in object_storage.list_objects(namespace, cli_bucket).data.objects] == ["final"]

    copied = oci_cli("os", "object", "copy", "--bucket-name", cli_bucket, "--source-object-name", "final",
                     "--destination-bucket", cli_bucket, "--destination-object-name", "final-copy", "--wait-for-state", "COMPLETED")
    assert copied["data"]["status"] == "COMPLETED" and copied["data"]["operation-type"] == "COPY_OBJECT"
    head = object_storage.head_object(namespace, cli_bucket, "final-copy")
    assert (head.headers["opc-meta-owner"], head.headers["storage-tier"]) == ("ada", "Standard")
    assert object_storage.get_object(namespace, cli_bucket, "final-copy").data.content == b"text"


def test_preauth_request_create_list_get_delete_and_curl(oci_cli, cli_bucket, object_storage, namespace):
    object_storage.put_object(namespace, cli_bucket, "results/out.json", b'{"answer": 42}')
    expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    created = oci_cli("os", "preauth-request", "create", "--bucket-name", cli_bucket, "--name", "hand-out",
                      "--access-type", "ObjectRead", "--object-name", "results/out.json", "--time-expires", expires)["data"]
    assert created["full-path"].endswith(f"/n/{namespace}/b/{cli_bucket}/o/results/out.json")

    assert curl(created["full-path"]) == (200, b'{"answer": 42}')
    assert curl(created["full-path"], "--head")[0] == 200

    listed = oci_cli("os", "preauth-request", "list", "--bucket-name", cli_bucket)["data"]
    assert [(p["id"], p["name"], p["access-type"]) for p in listed] == [(created["id"], "hand-out", "ObjectRead")]
    got = oci_cli("os", "preauth-request", "get", "--bucket-name", cli_bucket, "--par-id", created["id"])["data"]
    assert (got["object-name"], got["time-expires"]) == ("results/out.json", created["time-expires"])

    oci_cli("os", "preauth-request", "delete", "--bucket-name", cli_bucket, "--par-id", created["id"], "--force")
    assert curl(created["full-path"])[0] == 404
    assert oci_cli("os", "preauth-request", "list", "--bucket-name", cli_bucket) is None  # the CLI prints nothing for an empty list


def test_curl_put_through_a_write_url_and_404_after_expiry(cli_bucket, object_storage, namespace, tmp_path):
    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=4)
    created = object_storage.create_preauthenticated_request(namespace, cli_bucket, MODELS.CreatePreauthenticatedRequestDetails(
        name="short", object_name="upload.txt", access_type="ObjectReadWrite", time_expires=expires)).data
    upload = tmp_path / "upload.txt"
    upload.write_bytes(b"sent with curl")
    assert curl(created.full_path, "--upload-file", str(upload))[0] == 200
    assert curl(created.full_path) == (200, b"sent with curl")
    assert object_storage.get_object(namespace, cli_bucket, "upload.txt").data.content == b"sent with curl"

    time.sleep(max(0.0, (expires - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 1)
    assert curl(created.full_path)[0] == 404
    assert curl(created.full_path, "--upload-file", str(upload))[0] == 404


def test_bucket_delete_empty_force(oci_cli, object_storage, namespace):
    name = "doomed-" + uuid.uuid4().hex[:8]
    object_storage.create_bucket(namespace, MODELS.CreateBucketDetails(name=name, compartment_id=COMPARTMENT))
    for index in range(5):
        object_storage.put_object(namespace, name, f"dir/{index}", b"x")
    object_storage.create_preauthenticated_request(namespace, name, MODELS.CreatePreauthenticatedRequestDetails(
        name="left over", access_type="AnyObjectRead", time_expires=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)))
    object_storage.create_multipart_upload(namespace, name, MODELS.CreateMultipartUploadDetails(object="unfinished"))

    oci_cli("os", "bucket", "delete", "--bucket-name", name, "--empty", "--force")
    with pytest.raises(oci.exceptions.ServiceError) as missing:
        object_storage.get_bucket(namespace, name)
    assert missing.value.status == 404
