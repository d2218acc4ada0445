"""The worker's parts that need no function service: envelopes, logs, the function cache, running one call."""
import base64
import hashlib
import pickle
import sys

import cloudpickle
import pytest

from oraclefn.worker import calls, execute, protocol

cloudpickle.register_pickle_by_value(sys.modules[__name__])


def call_input(function, *args, **kwargs):
    return calls.encode_call(calls.inline_function(calls.pickle_function(function)), args, kwargs)


def no_storage(name):
    raise AssertionError(f"nothing should be read from storage, yet {name} was")


@pytest.mark.parametrize("body, message", [
    (b"\xff", r"not a job protocol envelope \(JSON\)"),
    (b"[1]", "expected a JSON object"),
])
def test_requests_that_are_not_json_objects_are_refused(body, message):
    with pytest.raises(protocol.EnvelopeError, match=message):
        protocol.parse_request(body)


@pytest.mark.parametrize("envelope, message", [
    ({"oraclefn": 1, "job_id": "j", "mode": "sync"}, '"calls" is missing'),
    ({"oraclefn": 1, "job_id": "j", "mode": "later", "calls": []}, 'must be "sync" or "detached"'),
    ({"oraclefn": 1, "job_id": "j", "mode": "detached", "calls": []}, "must give the job's storage"),
    ({"oraclefn": 1, "job_id": "j", "mode": "sync", "calls": [], "storage": {"bucket": "b"}}, "storage.namespace"),
    ({"oraclefn": 1, "job_id": "j", "mode": "sync", "calls": [{"call_id": "00000"}]}, 'a "call_id" and an "input"'),
])
def test_envelopes_missing_what_the_worker_needs_are_refused(envelope, message):
    with pytest.raises(protocol.EnvelopeError, match=message):
        protocol.check_envelope(envelope)


def test_a_metadata_request_is_told_apart_from_an_envelope():
    assert protocol.is_metadata_request({"oraclefn": 1, "get_metadata": True})
    assert not protocol.is_metadata_request({"oraclefn": 1, "job_id": "j", "calls": [], "get_metadata": True})
    assert protocol.metadata("3.12", None) == {"oraclefn": 1, "worker": "python", "python_version": "3.12",
                                              "version": None}


def test_a_hello_request_is_told_apart_from_an_envelope_and_greets_where_it_ran():
    assert protocol.hello_name({"oraclefn": 1, "hello": "Ana"}) == "Ana"
    assert protocol.hello_name({"hello": "Ana"}) is None, "only a request of this protocol version"
    assert protocol.hello_name({"oraclefn": 1, "hello": 3}) is None
    assert protocol.hello_name({"oraclefn": 1, "job_id": "j", "calls": [], "hello": "Ana"}) is None
    environ = {"FN_FN_NAME": "fn", "FN_FN_ID": "ocid1.fnfunc.x", "FN_APP_NAME": "app", "FN_MEMORY": "256"}
    assert protocol.greeting("Ana", environ, "h", 7) == {
        "oraclefn": 1,
        "greeting": "Hello, Ana! Ran in function fn (ocid1.fnfunc.x), application app, 256 MB, host h, process 7."}
    assert protocol.greeting("Bo", {}, "h", 7)["greeting"] == \
        "Hello, Bo! Ran in function ? (?), application ?, ? MB, host h, process 7."


def test_long_logs_keep_their_start_and_end():
    text = "start\n" + "é" * 100_000 + "\nend\n"
    cut = protocol.truncate_logs(text, limit=1000)
    assert len(cut.encode()) <= 1000
    assert cut.startswith("start\n") and cut.endswith("\nend\n")
    assert "bytes of output left out" in cut
    assert protocol.truncate_logs("short") == "short"


def test_a_call_runs_with_its_arguments_and_keeps_what_it_printed():
    def greet(greeting, name="world"):
        print(greeting, name)
        print("to stderr", file=sys.stderr)
        return f"{greeting}, {name}!"

    run = execute.run(call_input(greet, "Hello", name="Ana"), execute.FunctionCache(), no_storage, clock=iter(range(10)).__next__)
    assert run.error is None
    assert pickle.loads(run.output) == "Hello, Ana!"
    assert run.logs == "Hello Ana\nto stderr\n"
    assert (run.function_start, run.function_end) == (0, 1)


def test_a_raising_call_reports_its_exception_without_the_worker_frame():
    def explode():
        raise KeyError("missing")

    run = execute.run(call_input(explode), execute.FunctionCache(), no_storage)
    assert run.error["type"] == "KeyError" and run.error["message"] == "'missing'"
    assert "in explode" in run.error["traceback"] and "execute.py" not in run.error["traceback"]
    assert isinstance(pickle.loads(base64.b64decode(run.error["serialized"])), KeyError)


def test_a_system_exit_ends_the_call_not_the_worker():
    run = execute.run(call_input(sys.exit, 4), execute.FunctionCache(), no_storage)
    assert run.error["type"] == "SystemExit" and run.error["message"] == "4"


def test_a_result_that_does_not_pickle_is_an_error_of_its_own():
    import threading
    run = execute.run(call_input(threading.Lock), execute.FunctionCache(), no_storage)
    assert run.error["type"] == "ResultNotPicklable" and "cannot be pickled" in run.error["message"]


def test_an_input_that_is_no_python_call_says_who_makes_them():
    run = execute.run(pickle.dumps(("something", "else")), execute.FunctionCache(), no_storage)
    assert run.error["type"] == "NotAPythonCall" and "does not start with the tag" in run.error["message"]


def test_a_function_that_cannot_be_unpickled_is_unavailable():
    reference = {"sha256": hashlib.sha256(b"garbage").hexdigest(), "pickle": b"garbage"}
    run = execute.run(calls.encode_call(reference, (), {}), execute.FunctionCache(), no_storage)
    assert run.error["type"] == "FunctionUnavailable" and run.error["message"].startswith("cannot load the job's function")


def test_the_cache_unpickles_each_function_once_and_reads_stored_ones_once():
    pickled = calls.pickle_function(len)
    reads = []

    def read(name):
        reads.append(name)
        return pickled

    cache = execute.FunctionCache(capacity=1)
    stored = calls.stored_function("jobs/func.pickle", pickled)
    assert cache.function(stored, read) is cache.function(stored, read) is len
    assert reads == ["jobs/func.pickle"]
    cache.function(calls.inline_function(calls.pickle_function(max)), read)  # pushes len out
    cache.function(stored, read)
    assert reads == ["jobs/func.pickle"] * 2


def test_a_function_whose_bytes_do_not_match_its_digest_is_refused():
    reference = calls.stored_function("f", calls.pickle_function(len))
    with pytest.raises(calls.NotAPythonCall, match="does not match its sha256"):
        execute.FunctionCache().function(reference, lambda name: calls.pickle_function(max))
