"""Fixtures for the emulator conformance suite: one emulator per session trusting the frozen test key
(Tests/Fixtures/keys), and real oci SDK clients pointed at it. Nothing is built here: the emulator is the
`oraclefn-cli` that `swift build` made (or $ORACLEFN_CLI)."""
import pathlib
import sys
import uuid

import oci
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from emulator_process import REPOSITORY, running_emulator  # noqa: E402

KEY_FILE = REPOSITORY / "Tests" / "Fixtures" / "keys" / "test2048_private_pkcs8.pem"
TENANCY = "ocid1.tenancy.oc1..aaaaaaaatesttenancy"
USER = "ocid1.user.oc1..aaaaaaaatestuser"
FINGERPRINT = "82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d"
COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaatestcompartment"
SUBNET = "ocid1.subnet.oc1.iad.aaaaaaaatestsubnet"


@pytest.fixture(scope="session")
def test_config_file(tmp_path_factory):
    """A Lithops configuration for the test key, as a user would write it."""
    path = tmp_path_factory.mktemp("config") / "lithops_config.yaml"
    path.write_text(
        "lithops:\n  backend: oracle_f\n  storage: oracle_oss\n"
        f"oracle:\n  user: {USER}\n  tenancy: {TENANCY}\n  fingerprint: {FINGERPRINT}\n"
        f"  key_file: {KEY_FILE}\n  region: us-ashburn-1\n  compartment_id: {COMPARTMENT}\n"
        f"oracle_f:\n  subnet_id: {SUBNET}\n"
    )
    return path


@pytest.fixture(scope="session")
def emulator(test_config_file):
    with running_emulator(config_file=test_config_file) as running:
        yield running


@pytest.fixture(scope="session")
def oci_config(emulator):
    config = emulator.oci_config()
    oci.config.validate_config(config)
    return config


@pytest.fixture(scope="session")
def object_storage(emulator, oci_config):
    return oci.object_storage.ObjectStorageClient(oci_config, service_endpoint=emulator.url)


@pytest.fixture(scope="session")
def namespace(object_storage):
    return object_storage.get_namespace().data


@pytest.fixture(scope="session")
def functions_management(emulator, oci_config):
    return oci.functions.FunctionsManagementClient(oci_config, service_endpoint=emulator.url)


@pytest.fixture
def bucket(object_storage, namespace):
    """A fresh bucket, emptied and deleted after the test."""
    name = "test-" + uuid.uuid4().hex[:12]
    details = oci.object_storage.models.CreateBucketDetails(name=name, compartment_id=COMPARTMENT)
    object_storage.create_bucket(namespace, details)
    yield name
    for summary in oci.pagination.list_call_get_all_results(object_storage.list_objects, namespace, name).data.objects:
        object_storage.delete_object(namespace, name, summary.name)
    for upload in object_storage.list_multipart_uploads(namespace, name).data:
        object_storage.abort_multipart_upload(namespace, name, upload.object, upload.upload_id)
    object_storage.delete_bucket(namespace, name)
