"""`oraclefn hello` with the seed's flags, `oraclefn logs poll` following the functions' logs, `oraclefn logs get`
reading the logs a job's calls reported, and `oraclefn logs enable`. The log tests run twice: on the emulator's log
endpoint, and on the Oracle Functions path, OCI Logging search of the invoke log `logs enable` set up."""
import json
import os
import pathlib
import selectors
import signal
import time
import uuid

import oci
import pytest

from clitest import *  # noqa: F401,F403 (fixtures)
from clitest import like_oci, one_line_error, with_keys

GREETINGS = ("world", "Lithops", "Oracle Functions")
EMULATOR_LOGS, OCI_LOGGING = "emulator log endpoint", "OCI Logging search"


@pytest.fixture(scope="module", params=[EMULATOR_LOGS, OCI_LOGGING])
def log_config(request, emulator, home, cli):
    """A configuration of the emulator with a bucket of its own; for OCI_LOGGING with the application's invoke log
    enabled and log_group_id and log_id written in, so `logs poll` searches OCI Logging."""
    text = pathlib.Path(emulator.config_file).read_text()
    text = with_keys(text, "oracle_oss", storage_bucket="cli-" + uuid.uuid4().hex[:10])
    # without a runtime, hello greets through the emulator's hello function, in application oraclefn-hello: the
    # application whose log these tests read
    text = with_keys(text, "oracle_f", application_name="oraclefn-hello")
    path = home / f"logs-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(text)
    if request.param == OCI_LOGGING:
        assert cli("hello", "-c", path).code == 0  # makes the application
        enabled = cli("logs", "enable", "--write-config", "-c", path)
        assert enabled.code == 0, enabled
        assert "log_group_id: ocid1.loggroup." in path.read_text() and "log_id: ocid1.log." in path.read_text()
    return path


def test_hello_with_the_seeds_flags(cli, config):
    result = cli("hello", "-b", "oracle_f", "-s", "oracle_oss", "-c", config)
    assert result.code == 0, result
    for name in GREETINGS:
        assert f"Hello, {name}! Ran in function hello (ocid1.fnfunc." in result.stdout
    bad_storage = cli("hello", "-s", "aws_s3", "-c", config)
    assert bad_storage.code == 2, bad_storage
    one_line_error(bad_storage, "oraclefn stores in oracle_oss only")


def test_hello_greets_through_the_configured_runtime_once_it_is_deployed(cli, emulator, home):
    runtime = home / "runtime.yaml"
    runtime.write_text(with_keys(pathlib.Path(emulator.config_file).read_text(), "oracle_f", runtime="oraclefn/worker",
                                 application_name="hello-runtime"))
    assert cli("runtime", "deploy", "-c", runtime).code == 0
    result = cli("hello", "-c", runtime)
    assert result.code == 0, result
    for name in GREETINGS:
        assert f"Hello, {name}! Ran in function lithops-worker-worker-latest-v" in result.stdout, result
    assert "application hello-runtime, 256 MB" in result.stdout, result


def test_hello_on_oracle_functions_needs_the_runtime_deployed_first(cli, emulator, home):
    with like_oci(emulator.url) as url:
        text = "\n".join(line for line in pathlib.Path(emulator.config_file).read_text().splitlines() if "endpoint:" not in line) + "\n"
        text = with_keys(text, "oracle_f", endpoint=url, runtime="oraclefn/worker", application_name="hello-oci")
        oci = home / "like-oci.yaml"
        oci.write_text(with_keys(text, "oracle_oss", endpoint=emulator.url))
        missing = cli("hello", "-c", oci)
        assert missing.code == 3, missing
        one_line_error(missing, "the runtime oraclefn/worker (image oraclefn/worker:latest, 256 MB) is not deployed in "
                                "application hello-oci", "`oraclefn runtime build` and `oraclefn runtime deploy` first")
        assert missing.stdout == ""

        assert cli("runtime", "deploy", "-c", oci).code == 0
        greeted = cli("hello", "-c", oci)
        assert greeted.code == 0, greeted
        for name in GREETINGS:
            assert f"Hello, {name}! Ran in function lithops-worker-worker-latest-v" in greeted.stdout, greeted
        assert f"at {url} (configured in {oci})" in greeted.stdout, greeted


def test_logs_poll_once_prints_the_lines_of_the_calls_so_far(cli, log_config):
    assert cli("hello", "--config", log_config).code == 0
    result = cli("logs", "poll", "--once", "-c", log_config, "--since", "1h")
    assert result.code == 0, result
    lines = result.stdout.splitlines()
    for name in GREETINGS:
        assert any(f" hello " in line and f"stdout: hello: greeting {name} for call" in line for line in lines), result

    as_json = cli("logs", "poll", "--once", "--function", "hello", "--json", "-c", log_config)
    assert as_json.code == 0, as_json
    entries = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert {entry["stream"] for entry in entries} == {"stdout"}
    assert len({entry["functionId"] for entry in entries}) == 1
    assert all(entry["message"].startswith("hello: greeting ") for entry in entries)
    assert all(entry["message"].endswith(entry["callId"]) for entry in entries)

    later = cli("logs", "poll", "--once", "--since", str(time.time() + 3600), "-c", log_config)
    assert (later.code, later.stdout) == (0, ""), "nothing was written after --since"

    # the path taken: OCI Logging search with the log keys, else the emulator's log endpoint
    debugged = cli("logs", "poll", "--once", "-d", "-c", log_config)
    searched = "log_id:" in pathlib.Path(log_config).read_text()
    assert ("/20190909/search" in debugged.stderr, "/oraclefn/logs?since=" in debugged.stderr) == (searched, not searched), debugged


def test_logs_poll_follows_new_lines_until_interrupted(cli, log_config):
    assert cli("hello", "--config", log_config).code == 0
    poller = cli.start("logs", "poll", "-c", log_config, "--since", "0s", "--interval", "0.2")
    try:
        time.sleep(1)
        assert cli("hello", "--config", log_config).code == 0
        read_until(poller, [f"greeting {name} for call" for name in GREETINGS], timeout=30)
        poller.send_signal(signal.SIGINT)
        assert poller.wait(timeout=20) == 0
        assert poller.stderr.read() == ""
    finally:
        if poller.poll() is None:
            poller.kill()
            poller.wait()


def read_until(process, texts, timeout):
    """Reads the process's stdout until every text has appeared."""
    received = ""
    deadline = time.time() + timeout
    descriptor = process.stdout.fileno()
    with selectors.DefaultSelector() as selector:
        selector.register(descriptor, selectors.EVENT_READ)
        while not all(text in received for text in texts) and time.time() < deadline:
            if selector.select(max(0.0, deadline - time.time())):
                # straight from the pipe: a buffered reader could hold lines the selector no longer sees
                chunk = os.read(descriptor, 65536)
                if not chunk:
                    break
                received += chunk.decode()
    assert all(text in received for text in texts), received


def test_logs_poll_of_a_function_that_does_not_exist(cli, log_config):
    result = cli("logs", "poll", "--once", "--function", "no-such-function", "-c", log_config)
    assert result.code == 3, result
    one_line_error(result, "no function named no-such-function")


def test_logs_poll_on_oci_needs_the_log_keys(cli, config, home):
    oci = home / "oci.yaml"
    # no endpoint: OCI itself, which is never reached because the keys are checked first
    oci.write_text("\n".join(line for line in pathlib.Path(config).read_text().splitlines() if "endpoint:" not in line) + "\n")
    result = cli("logs", "poll", "--once", "-c", oci)
    assert result.code == 2, result
    one_line_error(result, "OCI Logging", "log_group_id and log_id in the oracle_f section", "oraclefn logs get JOB")

    half = home / "half.yaml"
    half.write_text(with_keys(oci.read_text(), "oracle_f", log_id="ocid1.log.oc1.iad.aaaaaaaatestlog"))
    broken = cli("logs", "poll", "--once", "-c", half)
    assert broken.code == 2, broken
    one_line_error(broken, "\"log_group_id\" is mandatory in the \"oracle_f\" section of the configuration when log_id is set")


def test_logs_get_prints_what_each_call_of_a_job_reported(cli, log_config, home):
    assert cli("storage", "mb", "-c", log_config).code == 0
    deployed = cli("runtime", "deploy", "oraclefn/worker", "-c", log_config, "--json")
    assert deployed.code == 0, deployed
    job = cli("map-job", "--config", log_config, "--function", deployed.json()["function"], "--calls", "3")
    assert job.code == 0, job
    job_id = job.stdout.split()[1]

    result = cli("logs", "get", job_id, "-c", log_config)
    assert result.code == 0, result
    assert [line.split(" (")[0] for line in result.stdout.splitlines()] == ["call 00000", "call 00001", "call 00002"]
    assert all("(ok, Fn call " in line for line in result.stdout.splitlines())
    calls = cli("logs", "get", job_id, "-c", log_config, "--json").json()
    assert [(c["call_id"], c["ok"]) for c in calls] == [("00000", True), ("00001", True), ("00002", True)]

    # statuses as a Python worker writes them, with the output the calls printed
    written = "fedcba9876543210"
    statuses = [
        {"oraclefn": 1, "job_id": written, "call_id": "00000", "ok": True, "output": None, "logs": "line one\nline two\n",
         "worker": {"fn_call_id": "01JAAA", "host": "h", "pid": 1, "cold": True}},
        {"oraclefn": 1, "job_id": written, "call_id": "00001", "ok": False,
         "error": {"type": "ZeroDivisionError", "message": "division by zero"}, "logs": "about to divide\n"},
    ]
    for status in statuses:
        path = home / f"{status['call_id']}.json"
        path.write_text(json.dumps(status))
        key = f"oraclefn.jobs/{written}/status/{status['call_id']}.json"
        assert cli("storage", "put", path, "-k", key, "-c", log_config).code == 0
    printed = cli("logs", "get", written, "-c", log_config)
    assert printed.code == 0, printed
    assert printed.stdout == (
        "call 00000 (ok, Fn call 01JAAA)\n    line one\n    line two\n"
        "call 00001 (failed: ZeroDivisionError: division by zero)\n    about to divide\n")


def test_logs_get_of_a_job_that_is_not_there(cli, log_config):
    cli("storage", "mb", "-c", log_config)
    result = cli("logs", "get", "0123456789abcdef", "-c", log_config)
    assert result.code == 3, result
    one_line_error(result, "no job 0123456789abcdef in bucket", "oraclefn.jobs/0123456789abcdef/manifest.json")


def test_logs_enable_makes_the_invoke_log_once_and_prints_or_writes_its_ids(cli, emulator, home, oci_config):
    path = home / "enable.yaml"
    path.write_text(with_keys(pathlib.Path(emulator.config_file).read_text(), "oracle_f",
                              application_name="enable-" + uuid.uuid4().hex[:8]))
    missing = cli("logs", "enable", "-c", path)
    assert missing.code == 3, missing
    one_line_error(missing, "application enable-", "is not in compartment", "oraclefn runtime deploy")

    assert cli("runtime", "deploy", "oraclefn/worker", "-c", path).code == 0
    printed = cli("logs", "enable", "-c", path, "--log-group", "cli-tests")
    assert printed.code == 0, printed
    assert "is now enabled" in printed.stdout and "log_group_id: ocid1.loggroup." in printed.stdout, printed
    assert "log_group_id" not in path.read_text(), "without --write-config the configuration is left alone"
    first = cli("logs", "enable", "-c", path, "--json").json()
    assert first["created"] is False and first["logId"] in printed.stdout and first["logGroupId"] in printed.stdout

    logging = oci.logging.LoggingManagementClient(oci_config, service_endpoint=emulator.url)
    group = logging.get_log_group(first["logGroupId"]).data
    assert group.display_name == "cli-tests"
    log = logging.get_log(group.id, first["logId"]).data
    assert log.display_name == first["applicationName"] + "_invoke"
    assert (log.configuration.source.service, log.configuration.source.resource, log.configuration.source.category) == (
        "functions", first["applicationId"], "invoke")

    before = path.read_text()
    written = cli("logs", "enable", "-c", path, "--write-config")
    assert written.code == 0, written
    assert f"Set log_group_id and log_id in the oracle_f section of {path}" in written.stdout
    after = path.read_text()
    assert f"  log_group_id: {group.id}\n" in after and f"  log_id: {log.id}\n" in after
    assert after.replace(f"  log_group_id: {group.id}\n", "").replace(f"  log_id: {log.id}\n", "") == before, \
        "only the two keys are added"
    assert cli("logs", "enable", "-c", path, "--write-config").code == 0
    assert path.read_text() == after, "writing the same ids again changes nothing"
