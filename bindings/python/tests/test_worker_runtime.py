"""The runtime image's build context: what write_build_context writes, and that the worker it holds serves a job
through the fdk on its own (no liboraclefn.so, no client half of oraclefn)."""
import base64
import hashlib
import importlib.metadata
import json
import pathlib
import pickle
import re
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
    assert worker == ["__init__.py", "__main__.py", "calls.py", "execute.py", "handler.py", "inject.py", "objects.py",
                      "protocol.py", "storage.py", "worker.py"]
    # the whole package: a function can run jobs of its own, with Lithops' names too
    copied = {p.relative_to(folder / "oraclefn").as_posix() for p in (folder / "oraclefn").rglob("*")}
    source = pathlib.Path(oraclefn.__file__).parent
    expected = {p.relative_to(source).as_posix() for p in source.rglob("*")
                if "__pycache__" not in p.parts and p.suffix != ".pyc" and p.name not in ("oraclefn-cli", "oraclefn-fdk")}
    assert copied == expected
    assert {"executor.py", "lithops/__init__.py", "_lib.py", "runtime/Dockerfile"} <= copied
    assert ("liboraclefn.so" in copied) == (source / "liboraclefn.so").is_file()
    assert "apt-get install -y --no-install-recommends libcurl4 libyaml-0-2" in dockerfile


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


def lithops_function_name(image, memory, version, user):
    """Lithops' name for the function of an image and memory: the oracle of what the library computes."""
    digest = hashlib.sha1(f"{image}-{memory}-{version}-{user}".encode()).hexdigest()[:10]
    return re.sub(r"[^A-Za-z0-9_-]", "-", f"lithops-worker-{image.rsplit('/', 1)[-1]}-v{version}") + "-" + digest


def test_deploy_names_the_function_as_lithops_and_oraclefn_runtime_deploy_do(emulator):
    config = oraclefn.load_config(emulator.config_file, oracle_f={"application_name": "deploy-tests"})
    image = f"oraclefn/python:{runtime.current_python()}"
    deployed = runtime.deploy(config, environment={"GREETING": "hi"})
    name = deployed["function"]
    assert name == lithops_function_name(image, 256, oraclefn.__version__, config["oracle_f"]["user"])
    assert deployed["metadata"]["worker"] == "python" and deployed["state"] == "ACTIVE"
    assert runtime.deploy(config)["function_id"] == deployed["function_id"], "found again, not made twice"
    assert runtime.resolve(config) == {"runtime": runtime.default_runtime(), "image": image, "function": name,
                                       "application": "deploy-tests", "emulator": True}
    with oraclefn.Functions(config) as functions:
        (application,) = [a for a in functions.list_applications() if a["displayName"] == "deploy-tests"]
        (function,) = functions.list_functions(application["id"])
    assert function["displayName"] == name and function["image"] == image
    assert function["memoryInMBs"] == config["oracle_f"]["runtime_memory"]
    assert function["freeformTags"] == {"type": "lithops-runtime", "lithops_version": oraclefn.__version__,
                                        "oraclefn_runtime": runtime.default_runtime()}


def test_runtime_images_function_and_application_names_follow_lithops(fixtures):
    # no endpoint: Oracle Functions, and with tenancy_namespace set, no request at all
    config = oraclefn.load_config(fixtures / "config" / "valid.yaml", oracle={"tenancy_namespace": "ns"})
    user, server = config["oracle_f"]["user"], config["oracle_f"]["docker_server"]
    memory = config["oracle_f"]["runtime_memory"]
    resolved = runtime.resolve(config)
    image = f"{server}/ns/{runtime.default_runtime()}:latest"
    assert resolved == {"runtime": runtime.default_runtime(), "image": image, "emulator": False,
                        "function": lithops_function_name(image, memory, oraclefn.__version__, user),
                        "application": "lithops_" + user[-8:-1].lower()}
    assert runtime.resolve(config, "my-runtime")["image"] == f"{server}/ns/my-runtime:latest"
    assert runtime.resolve(config, "phx.ocir.io/other/img:2")["image"] == "phx.ocir.io/other/img:2"
    assert runtime.default_runtime("3.12") == "oraclefn-python-v312"
