"""oraclefn.Functions against the emulator: listing, sync and detached invocations, the 6 MB limit,
errors, and retries of injected 429s."""
import time
import uuid

import oci
import pytest
from emulator_process import running_emulator

import oraclefn


def make_function(emulator, config, image, name):
    """An application and a function, made with the real oci SDK."""
    sdk = emulator.oci_config()
    management = oci.functions.FunctionsManagementClient(sdk, service_endpoint=emulator.url)
    app = management.create_application(oci.functions.models.CreateApplicationDetails(
        compartment_id=config["oracle"]["compartment_id"], display_name="%s-%s" % (name, uuid.uuid4().hex[:8]),
        subnet_ids=[config["oracle_f"]["subnet_id"]])).data
    fn = management.create_function(oci.functions.models.CreateFunctionDetails(
        application_id=app.id, display_name=name, memory_in_mbs=128, timeout_in_seconds=30,
        source_details=oci.functions.models.CreateContainerImageFunctionSourceDetails(image=image))).data
    return app, fn


@pytest.fixture(scope="module")
def echo(emulator, config):
    return make_function(emulator, config, "oraclefn/echo:1", "echo")


@pytest.fixture
def functions(config):
    with oraclefn.Functions(config) as f:
        yield f


def test_list_applications_and_functions(functions, echo):
    app, fn = echo
    apps = functions.list_applications()
    assert app.id in [a["id"] for a in apps]
    listed = [a for a in apps if a["id"] == app.id][0]
    assert listed["displayName"] == app.display_name
    assert listed["lifecycleState"] == "ACTIVE"
    fns = functions.list_functions(app.id)
    assert [(f["id"], f["displayName"], f["image"]) for f in fns] == [(fn.id, "echo", "oraclefn/echo:1")]
    assert fns[0]["invokeEndpoint"]
    assert functions.list_applications("ocid1.compartment.oc1..aaaaaaaaother") == []


def test_sync_invoke_returns_the_answer(functions, echo):
    _, fn = echo
    assert functions.invoke(fn.id, b'{"hello": "world"}') == b'{"hello": "world"}'
    assert functions.invoke(fn.id, "text") == b"text"
    assert functions.invoke(fn.id) == b""


def test_detached_invoke_returns_a_call_id(functions, echo):
    _, fn = echo
    call_id = functions.invoke_detached(fn.id, b"{}")
    assert isinstance(call_id, str) and len(call_id) > 10


def test_payload_over_6_mb_is_refused_before_sending(functions, echo):
    _, fn = echo
    with pytest.raises(oraclefn.PayloadTooLargeError) as raised:
        functions.invoke(fn.id, b"x" * (6 * 1024 * 1024 + 1))
    assert "6 MB" in str(raised.value)
    assert len(functions.invoke(fn.id, b"x" * (6 * 1024 * 1024))) == 6 * 1024 * 1024


def test_errors(functions, emulator, config):
    with pytest.raises(oraclefn.NotFoundError):
        functions.invoke("ocid1.fnfunc.oc1..missing", b"{}")
    _, failing = make_function(emulator, config, "oraclefn/fail", "fail")
    with pytest.raises(oraclefn.FunctionError) as raised:
        functions.invoke(failing.id, b"{}")
    assert raised.value.http_status == 502
    assert raised.value.code == "FunctionInvokeExecutionFailed"
    assert raised.value.opc_request_id


def test_the_emulator_is_known_and_oracle_functions_is_not_asked(functions, fixtures):
    assert functions.is_emulator()
    offline = oraclefn.load_config(fixtures / "config" / "valid.yaml")  # no endpoint: no request, so none can fail
    with oraclefn.Functions(offline) as oci_functions:
        assert not oci_functions.is_emulator()


def test_deploy_function_creates_then_updates_what_differs(functions):
    application = functions.ensure_application("python-deploy")
    assert application["lifecycleState"] == "ACTIVE"
    assert functions.ensure_application("python-deploy")["id"] == application["id"], "found again, not made twice"
    made = functions.deploy_function(application["id"], "worker", "oraclefn/echo:1", 128, timeout=20,
                                     config={"GREETING": "hi"}, tags={"type": "test"})
    assert made["lifecycleState"] == "ACTIVE"
    assert (made["config"], made["freeformTags"], made["timeoutInSeconds"]) == ({"GREETING": "hi"}, {"type": "test"}, 20)
    updated = functions.deploy_function(application["id"], "worker", "oraclefn/echo:2", 256)
    assert (updated["id"], updated["image"], updated["memoryInMBs"]) == (made["id"], "oraclefn/echo:2", 256)
    assert updated["config"] == {"GREETING": "hi"}, "a config not given is kept"
    assert [f["displayName"] for f in functions.list_functions(application["id"])] == ["worker"]
    assert functions.invoke(updated["id"], b"ping") == b"ping"
    with pytest.raises(oraclefn.InvalidArgumentError, match="applicationId"):
        functions.deploy_function(None, "worker", "oraclefn/echo", 128)


def test_injected_429s_are_retried():
    """An emulator answering 429 to most calls: every call still succeeds; one answering 429 to all
    is given up after the configured attempts."""
    with running_emulator("--faults", "429=0.5,seed=5") as flaky:
        config = oraclefn.load_config(flaky.config_file)
        _, fn = make_function(flaky, config, "oraclefn/echo", "flaky")
        with oraclefn.Functions(config) as functions:
            for i in range(6):
                assert functions.invoke(fn.id, b"call %d" % i) == b"call %d" % i
    with running_emulator("--faults", "429=1") as throttled:
        config = oraclefn.load_config(throttled.config_file, oracle_f={"retry_max_attempts": 3})
        _, fn = make_function(throttled, config, "oraclefn/echo", "throttled")
        with oraclefn.Functions(config) as functions:
            started = time.monotonic()
            with pytest.raises(oraclefn.ThrottledError) as raised:
                functions.invoke(fn.id, b"{}")
            assert raised.value.http_status == 429
            assert "after 3 attempts" in str(raised.value)
            assert time.monotonic() - started < 10, "waits of at most 1 s and 2 s (full jitter)"
