"""The Oracle `oci` command-line tool (PyPI oci-cli) against the emulator with --endpoint: log groups and logs
created with --wait-for-state (following Logging work requests), logging-search search-logs over an application's
invoke log, and fn work-request list/get for the work requests of function changes."""
import datetime
import json
import os
import pathlib
import shutil
import subprocess
import sys
import uuid

import oci
import pytest

from conftest import COMPARTMENT, SUBNET

OCI_CLI = shutil.which("oci", path=str(pathlib.Path(sys.executable).parent)) or shutil.which("oci")


@pytest.fixture(scope="module")
def oci_cli(emulator, oci_config, tmp_path_factory):
    """Runs `oci --endpoint <emulator> ARGS --output json` with a profile for the emulator's key."""
    assert OCI_CLI, "the oci CLI is not installed: pip install -r scripts/requirements-test.txt"
    home = tmp_path_factory.mktemp("oci-cli")
    config_file = home / "config"
    config_file.write_text("[DEFAULT]\n" + "".join(f"{key}={value}\n" for key, value in oci_config.items()))
    config_file.chmod(0o600)
    environment = dict(os.environ, HOME=str(home), OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING="True",
                       SUPPRESS_LABEL_WARNING="True")

    def run(*arguments, expect=0):
        done = subprocess.run(
            [OCI_CLI, "--config-file", str(config_file), "--endpoint", emulator.url, *arguments, "--output", "json"],
            capture_output=True, text=True, env=environment, timeout=120)
        assert done.returncode == expect, f"oci {' '.join(arguments)}: {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    return run


def parsed(done):
    return json.loads(done.stdout)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_log_group_and_invoke_log_created_waited_for_and_searched(oci_cli, functions_management, emulator, oci_config):
    app = functions_management.create_application(oci.functions.models.CreateApplicationDetails(
        compartment_id=COMPARTMENT, display_name=unique("cli-logs"), subnet_ids=[SUBNET])).data
    function = functions_management.create_function(oci.functions.models.CreateFunctionDetails(
        display_name="hello", application_id=app.id, memory_in_mbs=128,
        source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(image="oraclefn/hello"))).data

    group_name = unique("cli-group")
    group_request = parsed(oci_cli("logging", "log-group", "create", "--compartment-id", COMPARTMENT, "--display-name", group_name,
                                   "--wait-for-state", "SUCCEEDED"))["data"]
    assert (group_request["status"], group_request["operation-type"]) == ("SUCCEEDED", "CREATE_LOG_GROUP")
    group_id = group_request["resources"][0]["identifier"]
    listed = parsed(oci_cli("logging", "log-group", "list", "--compartment-id", COMPARTMENT, "--display-name", group_name))["data"]
    assert [group["id"] for group in listed] == [group_id]

    source = {"source": {"sourceType": "OCISERVICE", "service": "functions", "resource": app.id, "category": "invoke"}}
    log_request = parsed(oci_cli("logging", "log", "create", "--log-group-id", group_id, "--display-name", "invoke", "--log-type", "SERVICE",
                                 "--configuration", json.dumps(source), "--wait-for-state", "SUCCEEDED"))["data"]
    log_id = log_request["resources"][0]["identifier"]
    log = parsed(oci_cli("logging", "log", "get", "--log-group-id", group_id, "--log-id", log_id))["data"]
    assert (log["log-type"], log["configuration"]["source"]["resource"]) == ("SERVICE", app.id)

    invoker = oci.functions.FunctionsInvokeClient(oci_config, service_endpoint=function.invoke_endpoint)
    invoker.invoke_function(function.id, invoke_function_body="from the oci CLI")
    now = datetime.datetime.now(datetime.timezone.utc)
    found = parsed(oci_cli(
        "logging-search", "search-logs", "--search-query", f'search "{COMPARTMENT}/{group_id}/{log_id}" | sort by datetime desc',
        "--time-start", (now - datetime.timedelta(minutes=5)).isoformat(), "--time-end", (now + datetime.timedelta(minutes=1)).isoformat()))
    (result,) = found["data"]["results"]
    assert result["data"]["logContent"]["data"]["message"].startswith("hello: greeting from the oci CLI for call ")
    assert result["data"]["logContent"]["oracle"]["logid"] == log_id

    bad = oci_cli("logging-search", "search-logs", "--search-query", f'search "{COMPARTMENT}" | where data.message ~ 1',
                  "--time-start", now.isoformat(), "--time-end", now.isoformat(), expect=1)
    assert "InvalidParameter" in bad.stderr and "unexpected '~'" in bad.stderr

    functions_management.delete_function(function.id)
    functions_management.delete_application(app.id)


def test_fn_function_create_and_the_work_requests_of_function_changes(oci_cli, functions_management):
    app = functions_management.create_application(oci.functions.models.CreateApplicationDetails(
        compartment_id=COMPARTMENT, display_name=unique("cli-wr"), subnet_ids=[SUBNET])).data
    created = oci_cli("fn", "function", "create", "container-function", "--application-id", app.id, "--display-name", "echo",
                      "--memory-in-mbs", "128", "--image", "oraclefn/echo", "--wait-for-state", "SUCCEEDED")
    function = parsed(created)["data"]
    assert function["lifecycle-state"] == "ACTIVE"
    # the CLI's functions client has no GetWorkRequest, so --wait-for-state cannot follow the work request there
    # ("Unable to wait ..."); `fn work-request` follows it

    requests = parsed(oci_cli("fn", "work-request", "list", "--compartment-id", COMPARTMENT, "--resource-id", function["id"]))["data"]["items"]
    assert [(r["operation-type"], r["status"]) for r in requests] == [("CREATE_FUNCTION", "SUCCEEDED")]
    read = parsed(oci_cli("fn", "work-request", "get", "--work-request-id", requests[0]["id"]))["data"]
    assert read["resources"][0]["identifier"] == function["id"]

    oci_cli("fn", "function", "delete", "--function-id", function["id"], "--force")
    kinds = [r["operation-type"] for r in
             parsed(oci_cli("fn", "work-request", "list", "--compartment-id", COMPARTMENT, "--resource-id", function["id"]))["data"]["items"]]
    assert kinds == ["DELETE_FUNCTION", "CREATE_FUNCTION"]
    functions_management.delete_application(app.id)
