import json
import sys
import uuid
from pathlib import Path

import pytest

import oraclefn

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures"
sys.path.insert(0, str(FIXTURES.parent / "conformance"))


@pytest.fixture
def fixtures():
    return FIXTURES


def fill(text, tmp_path, ini_path=None):
    """Replaces the fixture placeholders the shared tables use."""
    text = text.replace("{KEYS}", str(FIXTURES / "keys")).replace("{FIXTURES}", str(FIXTURES))
    if ini_path is not None:
        text = text.replace("{INI}", str(ini_path))
    return text


@pytest.fixture
def valid_yaml():
    """valid.yaml as text, its relative key path made absolute (text has no folder to resolve against)."""
    return (FIXTURES / "config" / "valid.yaml").read_text().replace("../keys", str(FIXTURES / "keys"))


def bad_config_cases():
    table = json.loads((FIXTURES / "config" / "bad-configs.json").read_text())
    return table["cases"] if isinstance(table, dict) else table


BUCKET = "oraclefn-engine-tests"


@pytest.fixture(scope="session")
def emulator():
    """An emulator with a generated key and configuration, for the whole session."""
    from emulator_process import running_emulator
    with running_emulator() as running:
        yield running


@pytest.fixture(scope="session")
def config(emulator):
    return oraclefn.load_config(emulator.config_file, oracle_oss={"storage_bucket": BUCKET})


def make_worker_function(emulator, compartment_id, subnet_id, bucket=BUCKET):
    """An application and a function running the native worker, and the bucket, made with the real oci SDK;
    returns the function's OCID."""
    import oci
    sdk = emulator.oci_config()
    functions = oci.functions.FunctionsManagementClient(sdk, service_endpoint=emulator.url)
    storage = oci.object_storage.ObjectStorageClient(sdk, service_endpoint=emulator.url)
    namespace = storage.get_namespace().data
    storage.create_bucket(namespace, oci.object_storage.models.CreateBucketDetails(name=bucket, compartment_id=compartment_id))
    app = functions.create_application(oci.functions.models.CreateApplicationDetails(
        compartment_id=compartment_id, display_name="engine-%s" % uuid.uuid4().hex[:8], subnet_ids=[subnet_id])).data
    fn = functions.create_function(oci.functions.models.CreateFunctionDetails(
        application_id=app.id, display_name="worker", memory_in_mbs=128,
        source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(image="oraclefn/worker:1"),
        timeout_in_seconds=30)).data
    return fn.id


@pytest.fixture(scope="session")
def worker_function(emulator, config):
    """An application and a function running the native worker, made with the real oci SDK."""
    return make_worker_function(emulator, config["oracle"]["compartment_id"], config["oracle_f"]["subnet_id"])


@pytest.fixture(scope="session")
def engine(config):
    e = oraclefn.Engine(config)
    yield e
    e.close()
