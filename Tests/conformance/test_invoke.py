"""InvokeFunction against the emulator with the real oci SDK, the function played by the real fdk-python
running handlers/func.py (mapped in images.json)."""
import json
import os
import pathlib
import threading
import time
import uuid

import oci
import pytest
from oci._vendor import requests  # the requests the oci signer is made for

from emulator_process import running_emulator

HERE = pathlib.Path(__file__).resolve().parent
IMAGE = "iad.ocir.io/conformance/func:0.1"
MODELS = oci.functions.models


# a 1024 MB function may run one call at a time; a handler idle for 2 s is stopped
RUNNER_FLAGS = ("--concurrency-mb", "1024", "--idle-timeout", "2")


@pytest.fixture(scope="module")
def emulator():
    with running_emulator("--images", str(HERE / "images.json"), *RUNNER_FLAGS) as running:
        yield running


@pytest.fixture(scope="module")
def config(emulator):
    return emulator.oci_config()


@pytest.fixture(scope="module")
def application(emulator, config):
    management = oci.functions.FunctionsManagementClient(config, service_endpoint=emulator.url)
    details = MODELS.CreateApplicationDetails(
        compartment_id=config["tenancy"], display_name="invoke-" + uuid.uuid4().hex[:8], subnet_ids=["ocid1.subnet.oc1..test"],
        config={"GREETING": "from the application"},
    )
    return management, management.create_application(details).data


@pytest.fixture
def make_function(application):
    management, app = application

    def make(memory=256, timeout=30, config=None):
        details = MODELS.CreateFunctionDetails(
            display_name="func-" + uuid.uuid4().hex[:8], application_id=app.id, memory_in_mbs=memory, timeout_in_seconds=timeout,
            source_details=MODELS.CreateContainerImageFunctionSourceDetails(image=IMAGE), config=config,
        )
        return management.create_function(details).data

    return make


@pytest.fixture(scope="module")
def invoker(config):
    # a circuit breaker shared with other tests' failures must not open on the failures these tests provoke
    def client(function):
        return oci.functions.FunctionsInvokeClient(
            config, service_endpoint=function.invoke_endpoint,
            circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy(),
        )

    return client


def invoke(invoker, function, body, **kwargs):
    return invoker(function).invoke_function(function.id, invoke_function_body=json.dumps(body), **kwargs)


def service_error(invoker, function, body, **kwargs):
    with pytest.raises(oci.exceptions.ServiceError) as raised:
        invoker(function).invoke_function(function.id, invoke_function_body=body, **kwargs)
    return raised.value


def test_sync_invoke_answers_with_the_functions_body_and_headers(invoker, make_function):
    function = make_function()
    result = invoke(invoker, function, {"echo": [1, "two"]})
    assert result.status == 200
    answer = json.loads(result.data.content)
    assert answer["echo"] == [1, "two"]
    assert result.headers["content-type"] == "application/json"
    assert result.headers["x-handled-by"] == "func.py"
    assert result.headers["Fn-Call-Id"] == answer["callId"]
    assert result.headers["opc-request-id"]
    assert (answer["fnId"], answer["memory"], answer["greeting"]) == (function.id, "256", "from the application")
    headers = answer["headers"]
    assert headers["fn-intent"] == "httprequest"
    assert headers["fn-http-method"] == "POST"
    assert headers["fn-http-request-url"].endswith(f"/functions/{function.id}/actions/invoke")
    assert headers["fn-deadline"] == answer["deadline"] and answer["deadline"].endswith("Z")
    assert "authorization" not in headers


def test_detached_invoke_is_accepted_at_once_and_runs(emulator, config, invoker, make_function):
    function = make_function()
    result = invoke(invoker, function, {"action": "info"}, fn_invoke_type="detached")
    assert result.status == 202
    assert result.data.content == b""
    call_id = result.headers["Fn-Call-Id"]
    signer = oci.signer.Signer(config["tenancy"], config["user"], config["fingerprint"], config["key_file"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        logs = requests.get(emulator.url + "/oraclefn/logs", params={"callId": call_id}, auth=signer, timeout=10).json()
        if [line["message"] for line in logs["lines"]] == [f"func.py: info for call {call_id}"]:
            assert logs["lines"][0]["functionId"] == function.id
            return
        time.sleep(0.1)
    pytest.fail(f"the detached call {call_id} left no log line")


def test_handler_exception_is_a_502(invoker, make_function):
    error = service_error(invoker, make_function(), json.dumps({"action": "raise", "message": "boom from func.py"}))
    assert (error.status, error.code) == (502, "FunctionInvokeExecutionFailed")
    assert "boom from func.py" in error.message


def test_timeout_is_a_504_and_the_handler_process_is_gone(invoker, make_function):
    function = make_function(timeout=2)
    pid = json.loads(invoke(invoker, function, {}).data.content)["pid"]
    started = time.monotonic()
    error = service_error(invoker, function, json.dumps({"action": "sleep", "seconds": 60}))
    assert (error.status, error.code) == (504, "FunctionInvokeTimeout")
    assert time.monotonic() - started < 15
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert json.loads(invoke(invoker, function, {}).data.content)["pid"] != pid


def test_hot_handler_answers_much_faster_than_a_cold_start(invoker, make_function):
    # a cold start loads the function module, which takes a second here, as a real function's imports do
    function = make_function(config={"COLD_START_SECONDS": "1"})
    started = time.monotonic()
    cold_pid = json.loads(invoke(invoker, function, {}).data.content)["pid"]
    cold = time.monotonic() - started
    hot = []
    for _ in range(3):
        started = time.monotonic()
        assert json.loads(invoke(invoker, function, {}).data.content)["pid"] == cold_pid
        hot.append(time.monotonic() - started)
    assert cold >= 1
    assert max(hot) * 3 < cold, f"cold {cold:.3f} s, hot {hot}"


def test_idle_handler_is_stopped(invoker, make_function):
    pid = json.loads(invoke(invoker, make_function(), {}).data.content)["pid"]
    os.kill(pid, 0)  # still hot right after the call
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail(f"the idle handler {pid} is still running")


def test_body_over_6_mb_is_a_413(invoker, make_function):
    error = service_error(invoker, make_function(), b"x" * (6 * 1024 * 1024 + 1))
    assert (error.status, error.code) == (413, "FunctionInvokeRequestContentTooLarge")


def test_calls_beyond_the_concurrency_cap_are_a_429_sync_and_detached(invoker, make_function):
    function = make_function(memory=1024)
    invoke(invoker, function, {})  # warm, so the slow call below starts at once
    slow = threading.Thread(target=invoke, args=(invoker, function, {"action": "sleep", "seconds": 2}))
    slow.start()
    try:
        time.sleep(0.5)
        error = service_error(invoker, function, json.dumps({}))
        assert (error.status, error.code) == (429, "TooManyRequests")
        error = service_error(invoker, function, json.dumps({}), fn_invoke_type="detached")
        assert (error.status, error.code) == (429, "TooManyRequests")
    finally:
        slow.join()
    assert invoke(invoker, function, {}).status == 200


def test_a_handler_that_never_listens_fails_the_call_after_the_start_timeout_given(tmp_path):
    """--handler-start-timeout: how long a new handler has to listen before its call fails (10 s by default)."""
    images = tmp_path / "images.json"
    images.write_text(json.dumps({"images": {"conformance/deaf": ["sleep", "60"]}}))
    with running_emulator("--images", str(images), "--handler-start-timeout", "1.5") as running:
        config = running.oci_config()
        management = oci.functions.FunctionsManagementClient(config, service_endpoint=running.url)
        app = management.create_application(MODELS.CreateApplicationDetails(
            compartment_id=config["tenancy"], display_name="deaf", subnet_ids=["ocid1.subnet.oc1..test"])).data
        function = management.create_function(MODELS.CreateFunctionDetails(
            display_name="deaf", application_id=app.id, memory_in_mbs=128, timeout_in_seconds=30,
            source_details=MODELS.CreateContainerImageFunctionSourceDetails(image="conformance/deaf:1"))).data
        invoker = oci.functions.FunctionsInvokeClient(config, service_endpoint=function.invoke_endpoint,
                                                      retry_strategy=oci.retry.NoneRetryStrategy())
        with pytest.raises(oci.exceptions.ServiceError) as raised:
            invoker.invoke_function(function.id, invoke_function_body="{}")
        assert raised.value.status in (502, 504), raised.value
        assert "did not listen on FN_LISTENER within 1.5 seconds" in raised.value.message, raised.value.message
        assert "--handler-start-timeout" in raised.value.message


def test_a_start_timeout_that_is_not_positive_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="did not start"):
        with running_emulator("--handler-start-timeout", "0"):
            pass
