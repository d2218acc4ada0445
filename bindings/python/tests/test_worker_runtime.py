"""The runtime image's build context: what write_build_context writes, and that the worker it holds serves a job
through the fdk on its own (no liboraclefn.so, no client half of oraclefn)."""
import base64
import importlib.metadata
import json
import pickle
import sys
import time

import cloudpickle
import oci
import pytest

import oraclefn
from oraclefn import runtime
from oraclefn.worker import calls

from emulator_process import running_emulator  # Tests/conformance, put on the path by conftest.py

MODELS = oci.functions.models
cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the worker cannot import this test module


@pytest.mark.parametrize("python", ["3.11", "3.12"])
def test_the_build_context_has_the_dockerfile_requirements_and_worker(tmp_path, python):
    folder = runtime.write_build_context(tmp_path / "context", python=python, requirements=["numpy==2.1.0"])
    dockerfile = (folder / "Dockerfile").read_text()
    assert f"ARG PYTHON_VERSION={python}\nFROM python:${{PYTHON_VERSION}}-slim-bookworm" in dockerfile
    assert 'ENTRYPOINT ["python", "-m", "oraclefn.worker"]' in dockerfile
    assert "FN_FORMAT=http-stream" in dockerfile
    requirements = (folder / "requirements.txt").read_text().split()
    assert requirements == [f"cloudpickle=={importlib.metadata.version('cloudpickle')}", "fdk", "oci", "numpy==2.1.0"]
    worker = sorted(p.name for p in (folder / "oraclefn" / "worker").iterdir())
    assert worker == ["__init__.py", "__main__.py", "calls.py", "execute.py", "handler.py", "protocol.py", "storage.py",
                      "worker.py"]
    assert sorted(p.name for p in (folder / "oraclefn").iterdir()) == ["__init__.py", "worker"]
    init = (folder / "oraclefn" / "__init__.py").read_text()
    assert "liboraclefn" not in init and f"__version__ = {importlib.metadata.version('oraclefn')!r}" in init


def test_writing_again_replaces_the_previous_worker(tmp_path):
    folder = runtime.write_build_context(tmp_path, python="3.12")
    stale = folder / "oraclefn" / "worker" / "stale.py"
    stale.write_text("")
    runtime.write_build_context(tmp_path, python="3.12")
    assert not stale.exists()


def test_other_python_versions_are_refused_with_the_ones_supported(tmp_path):
    with pytest.raises(ValueError, match=r"Python 3\.11 or 3\.12, not 3\.9"):
        runtime.write_build_context(tmp_path, python="3.9")


def test_the_default_python_is_the_clients():
    assert runtime.current_python() == f"{sys.version_info.major}.{sys.version_info.minor}"


def where_oraclefn_lives():
    return sys.modules["oraclefn"].__file__


def test_the_context_worker_serves_a_job_through_the_fdk_by_itself(tmp_path):
    folder = runtime.write_build_context(tmp_path / "context")
    # the image's command, with the image's PYTHONPATH, run by this interpreter (which has fdk, oci, cloudpickle)
    command = f"PYTHONPATH={folder} exec {sys.executable} -m oraclefn.worker"
    images = tmp_path / "images.json"
    images.write_text(json.dumps({"images": {"local/runtime": ["/bin/sh", "-c", command]}}))
    with running_emulator("--images", str(images)) as emulator:
        config = emulator.oci_config()
        management = oci.functions.FunctionsManagementClient(config, service_endpoint=emulator.url)
        app = management.create_application(MODELS.CreateApplicationDetails(
            compartment_id=config["tenancy"], display_name="runtime", subnet_ids=["ocid1.subnet.oc1..test"])).data
        function = management.create_function(MODELS.CreateFunctionDetails(
            display_name="runtime", application_id=app.id, memory_in_mbs=256,
            source_details=MODELS.CreateContainerImageFunctionSourceDetails(image="local/runtime:1"))).data
        reference = calls.inline_function(calls.pickle_function(where_oraclefn_lives))
        envelope = {"oraclefn": 1, "job_id": "00000000000000aa", "mode": "sync", "output_inline_limit": 65536,
                    "submitted": time.time(), "calls": [
                        {"call_id": "00000", "input": {"inline": base64.b64encode(
                            calls.encode_call(reference, (), {})).decode()}}]}
        invoker = oci.functions.FunctionsInvokeClient(config, service_endpoint=function.invoke_endpoint)
        answer = invoker.invoke_function(function.id, invoke_function_body=json.dumps(envelope))
        metadata = invoker.invoke_function(function.id, invoke_function_body='{"oraclefn": 1, "get_metadata": true}')
    assert json.loads(metadata.data.content) == {"oraclefn": 1, "worker": "python",
                                                 "python_version": runtime.current_python(),
                                                 "version": importlib.metadata.version("oraclefn")}
    (result,) = json.loads(answer.data.content)["results"]
    assert result["ok"], result
    assert pickle.loads(base64.b64decode(result["output"]["inline"])) == str(folder / "oraclefn" / "__init__.py")


def test_deploy_makes_the_function_once_and_updates_what_differs(emulator):
    config = oraclefn.load_config(emulator.config_file, oracle_f={"application_name": "deploy-tests"})
    first = runtime.deploy(config, name="deployed", environment={"GREETING": "hi"})
    assert runtime.deploy(config, name="deployed", environment={"GREETING": "hi"}) == first
    assert runtime.deploy(config, name="deployed", image="oraclefn/python:3.12") == first
    with oraclefn.Functions(config) as functions:
        (application,) = [a for a in functions.list_applications() if a["displayName"] == "deploy-tests"]
        (function,) = functions.list_functions(application["id"])
    assert function["id"] == first and function["displayName"] == "deployed"
    assert function["image"] == "oraclefn/python:3.12"
    assert function["memoryInMBs"] == config["oracle_f"]["runtime_memory"]
