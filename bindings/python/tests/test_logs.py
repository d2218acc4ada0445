"""oraclefn.logs: following the functions' logs from Python, as `oraclefn logs poll` does. The tests run on the
emulator's log endpoint and on the Oracle Functions path: OCI Logging search of the hello application's invoke
log, which the emulator serves too."""
import pathlib
import uuid

import pytest

import oraclefn
from oraclefn import logs

from conftest import BUCKET


@pytest.fixture(scope="module", params=["emulator log endpoint", "OCI Logging search"])
def log_config(request, emulator, engine, config):
    if request.param == "emulator log endpoint":
        return config
    import oci
    sdk = emulator.oci_config()
    function_id = engine.hello(names=["setup"])["function_id"]
    application_id = oci.functions.FunctionsManagementClient(sdk, service_endpoint=emulator.url).get_function(function_id).data.application_id
    logging = oci.logging.LoggingManagementClient(sdk, service_endpoint=emulator.url)

    def created(response):
        done = oci.wait_until(logging, logging.get_work_request(response.headers["opc-work-request-id"]), "status", "SUCCEEDED")
        return done.data.resources[0].identifier

    group_id = created(logging.create_log_group(oci.logging.models.CreateLogGroupDetails(
        compartment_id=config["oracle"]["compartment_id"], display_name="py-" + uuid.uuid4().hex[:8])))
    source = oci.logging.models.OciService(service="functions", resource=application_id, category="invoke")
    log_id = created(logging.create_log(group_id, oci.logging.models.CreateLogDetails(
        display_name="hello_invoke", log_type="SERVICE", configuration=oci.logging.models.Configuration(source=source))))
    return oraclefn.load_config(emulator.config_file, oracle_oss={"storage_bucket": BUCKET},
                                oracle_f={"log_group_id": group_id, "log_id": log_id})


def test_the_lines_hello_wrote_are_read_once(engine, log_config):
    # hello runs in the function it names: the runtime's, when an earlier test deployed one, else one named hello
    function = engine.hello(names=["Py"])["function"]
    with logs.LogFollower(log_config, function=function, since="1h") as follower:
        lines = follower.next()
        mine = [line for line in lines if line["message"].startswith("hello: greeting Py for call ")]
        assert len(mine) == 1, lines
        assert mine[0]["stream"] == "stdout" and mine[0]["functionId"].startswith("ocid1.fnfunc.")
        assert follower.next() == [], "each line is read once"
        engine.hello(names=["again"])
        assert [line["message"].split(" for call")[0] for line in follower.next()] == ["hello: greeting again"]


def test_poll_once_yields_what_there_is(engine, log_config):
    function = engine.hello(names=["poll"])["function"]
    messages = [line["message"] for line in logs.poll(log_config, function=function, since="1h", once=True)]
    assert any(message.startswith("hello: greeting poll for call ") for message in messages), messages


def test_bad_arguments_say_what_to_give(log_config):
    with pytest.raises(oraclefn.InvalidArgumentError, match="30s, 10m"):
        logs.LogFollower(log_config, since="yesterday")
    with pytest.raises(oraclefn.NotFoundError, match="no function named nothing-here"):
        logs.LogFollower(log_config, function="nothing-here")


def test_on_oracle_functions_the_log_keys_are_needed(emulator, tmp_path):
    path = tmp_path / "oci.yaml"
    # no endpoint: OCI itself, never reached because the keys are checked first
    path.write_text("\n".join(line for line in pathlib.Path(emulator.config_file).read_text().splitlines()
                              if "endpoint:" not in line) + "\n")
    with pytest.raises(oraclefn.ConfigError, match="set log_group_id and log_id in the oracle_f section"):
        logs.LogFollower(oraclefn.load_config(path))
