"""The Python worker (oraclefn.worker) end to end: the emulator runs it as the `oraclefn/python` image through the
real fdk, with its own resource principal; envelopes are built by hand, results read back with the oci SDK."""
import base64
import json
import os
import pickle
import sys
import time
import uuid

import cloudpickle
import oci
import pytest

import oraclefn
from emulator_process import running_emulator  # Tests/conformance, put on the path by conftest.py
from oraclefn.worker import calls

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the worker cannot import this test module

MODELS = oci.functions.models
SIX_MB = 6 * 1024 * 1024


@pytest.fixture(scope="module")
def emulator():
    with running_emulator("--idle-timeout", "20") as running:
        yield running


@pytest.fixture(scope="module")
def config(emulator):
    return emulator.oci_config()


@pytest.fixture(scope="module")
def objects(emulator, config):
    client = oci.object_storage.ObjectStorageClient(config, service_endpoint=emulator.url)
    namespace = client.get_namespace().data
    bucket = "worker-" + uuid.uuid4().hex[:8]
    client.create_bucket(namespace, oci.object_storage.models.CreateBucketDetails(name=bucket, compartment_id=config["tenancy"]))
    return client, namespace, bucket


@pytest.fixture(scope="module")
def function(emulator, config):
    management = oci.functions.FunctionsManagementClient(config, service_endpoint=emulator.url)
    app = management.create_application(MODELS.CreateApplicationDetails(
        compartment_id=config["tenancy"], display_name="worker-tests", subnet_ids=["ocid1.subnet.oc1..test"])).data
    return management.create_function(MODELS.CreateFunctionDetails(
        display_name="python", application_id=app.id, memory_in_mbs=256, timeout_in_seconds=60,
        # the worker under test is the package these tests import, wherever the interpreter would find another
        config={"PYTHONPATH": os.path.dirname(os.path.dirname(oraclefn.__file__))},
        source_details=MODELS.CreateContainerImageFunctionSourceDetails(image="iad.ocir.io/oraclefn/python:3.11"))).data


@pytest.fixture(scope="module")
def invoke(config, function):
    client = oci.functions.FunctionsInvokeClient(
        config, service_endpoint=function.invoke_endpoint,
        circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())

    def send(envelope, mode):
        answer = client.invoke_function(function.id, invoke_function_body=json.dumps(envelope), fn_invoke_type=mode)
        return answer.status, answer.data.content

    return send


def python_input(function, *args, **kwargs):
    return calls.encode_call(calls.inline_function(calls.pickle_function(function)), args, kwargs)


def envelope(objects, job_id, inputs, mode="detached", with_storage=True, version=1):
    client, namespace, bucket = objects
    body = {
        "oraclefn": version, "job_id": job_id, "mode": mode, "output_inline_limit": 65536, "submitted": time.time(),
        "calls": [{"call_id": f"{index:05d}", "input": payload} for index, payload in enumerate(inputs)],
    }
    if with_storage:
        body["storage"] = {"endpoint": client.base_client.endpoint, "namespace": namespace, "bucket": bucket,
                           "prefix": f"oraclefn.jobs/{job_id}/"}
    return body


def inline(data):
    return {"inline": base64.b64encode(data).decode()}


def new_job_id():
    return uuid.uuid4().hex[:16]


def read(objects, name):
    client, namespace, bucket = objects
    return client.get_object(namespace, bucket, name).data.content


def wait_for_statuses(objects, job_id, count, timeout=60):
    client, namespace, bucket = objects
    prefix = f"oraclefn.jobs/{job_id}/status/"
    deadline = time.time() + timeout
    while time.time() < deadline:
        names = [o.name for o in client.list_objects(namespace, bucket, prefix=prefix).data.objects]
        if len(names) >= count:
            return [json.loads(read(objects, name)) for name in sorted(names)]
        time.sleep(0.1)
    raise AssertionError(f"{count} statuses of job {job_id} did not appear within {timeout} s")


def output_of(objects, status):
    payload = status["output"]
    data = base64.b64decode(payload["inline"]) if "inline" in payload else read(objects, payload["object"])
    return pickle.loads(data)


def square(x):
    return x * x


def test_a_detached_envelope_writes_one_status_per_call(objects, invoke):
    job_id = new_job_id()
    status, body = invoke(envelope(objects, job_id, [inline(python_input(square, n)) for n in range(3)]), "detached")
    assert status == 202 and body in (b"", None)
    statuses = wait_for_statuses(objects, job_id, 3)
    assert [s["call_id"] for s in statuses] == ["00000", "00001", "00002"]
    assert [output_of(objects, s) for s in statuses] == [0, 1, 4]
    for s in statuses:
        assert s["ok"] and s["job_id"] == job_id and s["oraclefn"] == 1
        t = s["timings"]
        assert t["worker_start"] <= t["function_start"] <= t["function_end"] <= t["worker_end"]
        assert s["worker"]["fn_call_id"] and s["worker"]["pid"] > 0 and isinstance(s["worker"]["cold"], bool)


def test_a_sync_envelope_is_answered_with_every_status(objects, invoke):
    job_id = new_job_id()
    inputs = [inline(python_input(lambda a, b=0: a + b, n, b=10)) for n in range(4)]
    status, body = invoke(envelope(objects, job_id, inputs, mode="sync", with_storage=False), "sync")
    answer = json.loads(body)
    assert status == 200 and answer["job_id"] == job_id and answer["oraclefn"] == 1
    assert [pickle.loads(base64.b64decode(r["output"]["inline"])) for r in answer["results"]] == [10, 11, 12, 13]


def test_printed_output_is_kept_in_the_status_logs(objects, invoke):
    def chatty(name):
        print(f"hello from {name}")
        print("to stderr", file=sys.stderr)
        return name.upper()

    job_id = new_job_id()
    invoke(envelope(objects, job_id, [inline(python_input(chatty, "call"))]), "detached")
    (status,) = wait_for_statuses(objects, job_id, 1)
    assert output_of(objects, status) == "CALL"
    assert status["logs"] == "hello from call\nto stderr\n"


class Unpicklable(Exception):
    def __init__(self, handle):
        super().__init__("an exception holding an open lock")
        self.handle = handle


def test_a_raising_function_reports_type_message_traceback_and_the_pickled_exception(objects, invoke):
    def divide(a, b):
        return a / b

    def raise_unpicklable():
        import threading
        raise Unpicklable(threading.Lock())

    job_id = new_job_id()
    invoke(envelope(objects, job_id, [inline(python_input(divide, 1, 0)), inline(python_input(raise_unpicklable))]),
           "detached")
    divided, unpicklable = wait_for_statuses(objects, job_id, 2)
    assert not divided["ok"] and "output" not in divided
    error = divided["error"]
    assert error["type"] == "ZeroDivisionError" and error["message"] == "division by zero"
    assert ", in divide\n" in error["traceback"] and error["traceback"].endswith("ZeroDivisionError: division by zero\n")
    assert "worker/execute.py" not in error["traceback"], "the worker's own frame is left out"
    assert isinstance(pickle.loads(base64.b64decode(error["serialized"])), ZeroDivisionError)
    assert unpicklable["error"]["type"].endswith("Unpicklable") and "serialized" not in unpicklable["error"]
    assert unpicklable["error"]["message"] == "an exception holding an open lock"


def test_outputs_past_the_inline_limit_are_stored_before_the_status(objects, invoke):
    job_id = new_job_id()
    big = os.urandom(SIX_MB + 1000)
    invoke(envelope(objects, job_id, [inline(python_input(bytes, big[:100])),
                                      inline(python_input(lambda n: b"x" * n, 100_000))]), "detached")
    small, large = wait_for_statuses(objects, job_id, 2)
    assert "inline" in small["output"]
    assert large["output"] == {"object": f"oraclefn.jobs/{job_id}/output/00001", "size": len(cloudpickle.dumps(b"x" * 100_000))}
    assert output_of(objects, large) == b"x" * 100_000


def test_inputs_and_outputs_larger_than_six_megabytes_go_through_the_bucket(objects, invoke):
    client, namespace, bucket = objects
    job_id = new_job_id()
    big = os.urandom(SIX_MB + 1000)
    data = python_input(lambda blob: blob[::-1], big)
    # as the engine stores inputs: one object, each call a range of it
    name = f"oraclefn.jobs/{job_id}/inputs"
    client.put_object(namespace, bucket, name, b"padding" + data)
    invoke(envelope(objects, job_id, [{"object": name, "offset": 7, "size": len(data)}]), "detached")
    (status,) = wait_for_statuses(objects, job_id, 1)
    assert status["ok"], status
    assert output_of(objects, status) == big[::-1]


def test_a_sync_answer_stores_what_does_not_fit_in_six_megabytes(objects, invoke):
    job_id = new_job_id()
    inputs = [inline(python_input(lambda n: b"y" * n, 4 * 1024 * 1024)) for _ in range(2)]
    status, body = invoke(envelope(objects, job_id, inputs, mode="sync"), "sync")
    first, second = json.loads(body)["results"]
    assert "inline" in first["output"]
    assert second["output"]["object"] == f"oraclefn.jobs/{job_id}/output/00001"
    assert output_of(objects, second) == b"y" * 4 * 1024 * 1024


def test_a_sync_answer_without_storage_fails_the_calls_that_do_not_fit(objects, invoke):
    inputs = [inline(python_input(lambda n: b"z" * n, 4 * 1024 * 1024)) for _ in range(2)]
    _, body = invoke(envelope(objects, new_job_id(), inputs, mode="sync", with_storage=False), "sync")
    first, second = json.loads(body)["results"]
    assert first["ok"] and not second["ok"]
    assert second["error"]["type"] == "OutputTooLarge" and "give the job a bucket" in second["error"]["message"]


def test_a_function_stored_once_per_job_is_read_from_the_bucket(objects, invoke):
    client, namespace, bucket = objects
    job_id = new_job_id()
    pickled = calls.pickle_function(square)
    name = f"oraclefn.jobs/{job_id}/func.pickle"
    client.put_object(namespace, bucket, name, pickled)
    reference = calls.stored_function(name, pickled)
    invoke(envelope(objects, job_id, [inline(calls.encode_call(reference, (n,), {})) for n in (5, 6)]), "detached")
    assert [output_of(objects, s) for s in wait_for_statuses(objects, job_id, 2)] == [25, 36]


def test_inputs_the_worker_cannot_run_fail_with_a_reason(objects, invoke):
    job_id = new_job_id()
    inputs = [inline(b"not a pickle"), {"object": f"oraclefn.jobs/{job_id}/missing", "size": 10}]
    invoke(envelope(objects, job_id, inputs), "detached")
    garbage, missing = wait_for_statuses(objects, job_id, 2)
    assert garbage["error"]["type"] == "NotAPythonCall" and "FunctionExecutor" in garbage["error"]["message"]
    assert missing["error"]["type"] == "InputUnavailable" and "missing" in missing["error"]["message"]


def test_an_unknown_protocol_version_fails_each_call(objects, invoke):
    job_id = new_job_id()
    invoke(envelope(objects, job_id, [inline(python_input(square, 2))], version=2), "detached")
    (status,) = wait_for_statuses(objects, job_id, 1)
    assert status["error"]["type"] == "ProtocolVersion"


def test_a_body_that_is_no_envelope_is_refused(objects, invoke):
    with pytest.raises(oci.exceptions.ServiceError) as raised:
        invoke({"hello": "world"}, "sync")
    assert raised.value.status == 502


def test_a_hello_request_is_greeted_with_where_the_function_ran(invoke):
    _, body = invoke({"oraclefn": 1, "hello": "Lithops"}, "sync")
    greeting = json.loads(body)["greeting"]
    assert greeting.startswith("Hello, Lithops! Ran in function "), greeting
    assert "(ocid1.fnfunc." in greeting and " MB, host " in greeting, greeting


def test_a_metadata_request_is_answered_with_what_the_runtime_is(invoke):
    _, body = invoke({"oraclefn": 1, "get_metadata": True}, "sync")
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert json.loads(body) == {"oraclefn": 1, "worker": "python", "python_version": python,
                                "version": oraclefn.__version__}


@pytest.fixture(scope="module")
def native_invoke(emulator, config, function):
    """Envelopes to a function running the native worker (`oraclefn/worker`), in the same application."""
    management = oci.functions.FunctionsManagementClient(config, service_endpoint=emulator.url)
    native = management.create_function(MODELS.CreateFunctionDetails(
        display_name="native", application_id=function.application_id, memory_in_mbs=128, timeout_in_seconds=60,
        source_details=MODELS.CreateContainerImageFunctionSourceDetails(image="oraclefn/worker:1"))).data
    client = oci.functions.FunctionsInvokeClient(
        config, service_endpoint=native.invoke_endpoint, circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())

    def send(body, mode):
        answer = client.invoke_function(native.id, invoke_function_body=json.dumps(body), fn_invoke_type=mode)
        return answer.status, answer.data.content

    return send


def recorded(path, value):
    """A call with a side effect: one line in `path` per run."""
    with open(path, "a") as runs:
        runs.write(f"{value}\n")
    return value


@pytest.mark.parametrize("worker", ["python", "native"])
def test_a_later_send_skips_the_calls_an_earlier_one_ran(objects, invoke, native_invoke, worker, tmp_path):
    send = invoke if worker == "python" else native_invoke
    runs = tmp_path / "runs"

    def payload(value):
        return inline(python_input(recorded, str(runs), value) if worker == "python" else value.encode())

    job_id = new_job_id()
    first = envelope(objects, job_id, [payload("first")])
    assert send(first, "detached")[0] == 202
    [status] = wait_for_statuses(objects, job_id, 1)
    # the engine did not see that status in time and sends the call again, with one more call
    again = envelope(objects, job_id, [payload("again"), payload("new")])
    again["attempt"] = 2
    assert send(again, "detached")[0] == 202
    statuses = wait_for_statuses(objects, job_id, 2)
    assert statuses[0] == status, "the call that had run was not run again"
    if worker == "python":
        assert output_of(objects, statuses[1]) == "new"
        assert runs.read_text().split() == ["first", "new"]
    else:
        assert base64.b64decode(statuses[1]["output"]["inline"]) == b"new"


@pytest.mark.parametrize("worker", ["python", "native"])
def test_a_call_past_its_execution_timeout_is_stopped(objects, invoke, native_invoke, worker):
    send = invoke if worker == "python" else native_invoke
    slow = python_input(time.sleep, 30) if worker == "python" else b"!sleep 30000 late"
    quick = python_input(square, 3) if worker == "python" else b"quick"
    body = envelope(objects, new_job_id(), [inline(slow), inline(quick)], mode="sync", with_storage=False)
    body["execution_timeout"] = 0.5
    started = time.monotonic()
    status, answer = send(body, "sync")
    stopped, done = json.loads(answer)["results"]
    assert status == 200 and time.monotonic() - started < 20
    assert not stopped["ok"] and stopped["error"]["type"] == "TimeoutError"
    assert "execution timeout of 0.5 s" in stopped["error"]["message"]
    assert done["ok"]

