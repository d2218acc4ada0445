"""`oraclefn runtime build|deploy|list|update|delete` and `oraclefn clean` against the emulator."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from clitest import *  # noqa: F401,F403 (fixtures)
from clitest import VERSION, lithops_function_name, one_line_error

PYTHON = "%d.%d" % sys.version_info[:2]


def application_of(config):
    return next(line.split(": ", 1)[1].strip('"') for line in pathlib.Path(config).read_text().splitlines()
                if line.strip().startswith("application_name:"))


def user_of(oci_config):
    return oci_config["user"]


def test_deploy_the_default_runtime_list_it_and_delete_it(cli, config, oci_config, management):
    deployed = cli("runtime", "deploy", "-c", config, "--json")
    assert deployed.code == 0, deployed
    runtime = deployed.json()
    image = f"oraclefn/python:{PYTHON}"
    expected = lithops_function_name(image, 256, user_of(oci_config))
    assert runtime["runtime"] == f"oraclefn-python-v{PYTHON.replace('.', '')}"
    assert runtime["image"] == image
    assert runtime["function"] == expected
    assert (runtime["memory"], runtime["timeout"], runtime["state"]) == (256, 300, "ACTIVE")
    assert runtime["application"] == application_of(config)
    assert runtime["metadata"] == {"oraclefn": 1, "worker": "python", "python_version": PYTHON, "version": VERSION}

    # hello greets through the deployed runtime's Python worker
    greeted = cli("hello", "-c", config)
    assert greeted.code == 0, greeted
    assert f"Hello, Lithops! Ran in function {expected} ({runtime['function_id']}), application " in greeted.stdout, greeted

    # the application was made in the configured subnet, the function tagged as Lithops tags it
    application = management.get_application(management.get_function(runtime["function_id"]).data.application_id).data
    assert application.subnet_ids == [oci_config_subnet(config)]
    function = management.get_function(runtime["function_id"]).data
    assert function.freeform_tags == {"type": "lithops-runtime", "lithops_version": VERSION, "oraclefn_runtime": runtime["runtime"]}

    listed = cli("runtime", "list", "-c", config)
    assert listed.code == 0, listed
    header, row = listed.stdout.splitlines()
    assert header.split() == ["IMAGE", "MEMORY", "VERSION", "FUNCTION"]
    assert row.split() == [image, "256", "MB", VERSION, expected]

    text = cli("runtime", "deploy", "-c", config)
    assert text.code == 0, text
    assert text.stdout.splitlines()[0] == f"Deployed runtime {runtime['runtime']}: image {image}, 256 MB, 300 s"
    assert f"function     {expected} ({runtime['function_id']})" in text.stdout, "deploying again updates the same function"
    assert f"worker       python, Python {PYTHON}, oraclefn {VERSION}" in text.stdout

    deleted = cli("runtime", "delete", "-c", config)
    assert deleted.code == 0, deleted
    assert deleted.stdout == f"Deleted {expected} (256 MB)\n"
    assert cli("runtime", "list", "-c", config, "--json").json() == []
    again = cli("runtime", "delete", "-c", config)
    assert again.code == 3, again
    one_line_error(again, f"no runtime {runtime['runtime']}", "oraclefn runtime list")


def oci_config_subnet(config):
    return next(line.split(": ", 1)[1].strip('"') for line in pathlib.Path(config).read_text().splitlines()
                if line.strip().startswith("subnet_id:"))


def test_one_function_per_memory_size_update_and_delete_by_memory(cli, config, oci_config):
    small = cli("runtime", "deploy", "oraclefn/worker", "--memory", "512", "--timeout", "60", "-c", config, "--json")
    large = cli("runtime", "deploy", "oraclefn/worker:2", "-m", "1024", "-c", config, "--json")
    assert small.code == 0 and large.code == 0, (small, large)
    assert small.json()["metadata"] == {"oraclefn": 1, "worker": "native", "version": VERSION}
    assert small.json()["function"] == lithops_function_name("oraclefn/worker:latest", 512, user_of(oci_config))
    assert (small.json()["image"], small.json()["timeout"]) == ("oraclefn/worker:latest", 60)

    both = cli("runtime", "list", "-c", config, "--json").json()
    assert sorted((r["image"], r["memory"]) for r in both) == [("oraclefn/worker:2", 1024), ("oraclefn/worker:latest", 512)]
    only = cli("runtime", "list", "oraclefn/worker", "-c", config, "--json").json()
    assert [r["memory"] for r in only] == [512]

    updated = cli("runtime", "update", "-c", config, "--json")
    assert updated.code == 0, updated
    assert sorted(r["function"] for r in updated.json()) == sorted(r["function"] for r in both)
    assert all(r["metadata"]["worker"] == "native" for r in updated.json())
    assert all(r["timeout"] == 300 for r in updated.json()), "update deploys again with the configured timeout"
    missing = cli("runtime", "update", "no-such-runtime", "-c", config)
    assert missing.code == 3, missing
    one_line_error(missing, "no runtime no-such-runtime")

    wrong_memory = cli("runtime", "delete", "oraclefn/worker", "-m", "2048", "-c", config)
    assert wrong_memory.code == 3, wrong_memory
    deleted = cli("runtime", "delete", "oraclefn/worker:2", "--memory", "1024", "-c", config, "--json")
    assert deleted.code == 0, deleted
    assert deleted.json()["deleted"] == [lithops_function_name("oraclefn/worker:2", 1024, user_of(oci_config))]
    assert [r["image"] for r in cli("runtime", "list", "-c", config, "--json").json()] == ["oraclefn/worker:latest"]


def test_an_image_that_is_no_oraclefn_runtime_fails_the_metadata_call(cli, config):
    result = cli("runtime", "deploy", "oraclefn/echo", "-c", config)
    assert result.code == 1, result
    one_line_error(result, "answered the metadata request", "its image oraclefn/echo:latest is not an oraclefn runtime",
                   "oraclefn runtime build")


def test_a_runtime_name_is_an_image_of_the_tenancy_registry(cli, config, oci_config):
    # the emulator cannot run such an image: the function is made, and its first call fails as OCI's would
    result = cli("runtime", "deploy", "my-runtime", "-c", config)
    assert result.code == 1, result
    one_line_error(result, "image us-ashburn-1.ocir.io/oraclefn/my-runtime:latest", "InvokeFunction failed: HTTP 502")
    listed = cli("runtime", "list", "my-runtime", "-c", config, "--json").json()
    assert [r["function"] for r in listed] == [
        lithops_function_name("us-ashburn-1.ocir.io/oraclefn/my-runtime:latest", 256, user_of(oci_config))]
    assert cli("runtime", "delete", "my-runtime", "-c", config).code == 0


def test_clean_deletes_the_functions_and_the_jobs_objects_and_with_all_the_application(cli, config, bucket, home, management, oci_config):
    # an application of its own, holding only what this test deploys
    own = home / "clean.yaml"
    own.write_text(pathlib.Path(config).read_text().replace("application_name: \"", "application_name: \"clean-"))
    name = application_of(own)
    assert name.startswith("clean-")
    assert cli("runtime", "deploy", "oraclefn/worker", "-c", own).code == 0
    cli("storage", "mb", "-c", own)
    (home / "status.json").write_text("{}")
    for key in ("oraclefn.jobs/0123456789abcdef/status/00000.json", "oraclefn.jobs/0123456789abcdef/manifest.json", "kept.txt"):
        assert cli("storage", "put", home / "status.json", "-k", key, "-c", own).code == 0

    cleaned = cli("clean", "-c", own, "--json")
    assert cleaned.code == 0, cleaned
    report = cleaned.json()
    assert report["functions"] == [lithops_function_name("oraclefn/worker:latest", 256, user_of(oci_config))]
    assert (report["application"], report["application_deleted"], report["bucket"], report["objects"]) == (name, False, bucket, 2)
    assert [o["name"] for o in cli("storage", "ls", "-c", own, bucket, "--json").json()] == ["kept.txt"]
    assert [a.display_name for a in management.list_applications(oci_config["tenancy"], display_name=name).data] == [name]

    everything = cli("clean", "--all", "-c", own)
    assert everything.code == 0, everything
    assert everything.stdout.splitlines()[0] == f"Deleted 0 functions of application {name} and the application"
    assert management.list_applications(oci_config["tenancy"], display_name=name).data == []
    none = cli("runtime", "list", "-c", own)
    assert none.stdout == f"No runtimes are deployed in application {name}.\n"


def test_build_writes_the_context_and_says_when_no_container_engine_runs(cli, config, home):
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "info"], capture_output=True).returncode == 0:
        pytest.skip("needs a docker client whose daemon is not running, as on this machine kind")
    context = home / "context"
    result = cli("runtime", "build", "-c", config, "--context", context, "--python", "3.12")
    assert result.code == 5, result
    assert f"build context for us-ashburn-1.ocir.io/oraclefn/oraclefn-python-v312:latest written to {context}" in result.stderr
    assert "the Docker daemon is not reachable" in result.stderr.splitlines()[-1]
    dockerfile = (context / "Dockerfile").read_text()
    assert "ARG PYTHON_VERSION=3.12" in dockerfile
    assert (context / "oraclefn" / "worker" / "handler.py").exists()
    assert "cloudpickle==" in (context / "requirements.txt").read_text()


def test_build_without_docker_or_podman_says_what_to_install(cli, config, home):
    bare = home / "bare-bin"
    bare.mkdir(exist_ok=True)
    result = cli("runtime", "build", "-c", config, "--context", home / "context2", env={"PATH": str(bare)})
    assert result.code == 5, result
    assert "neither docker nor podman is on PATH" in result.stderr.splitlines()[-1]
    assert (home / "context2" / "Dockerfile").exists(), "the context is written first, to build elsewhere"


def test_build_with_a_python_that_lacks_the_package_says_so(cli, config):
    python = "/usr/bin/python3"
    if not os.path.exists(python) or subprocess.run([python, "-c", "import oraclefn"], capture_output=True).returncode == 0:
        pytest.skip("needs a system Python without the oraclefn package")
    result = cli("runtime", "build", "-c", config, "--python", "3.12", env={"ORACLEFN_PYTHON": python})
    assert result.code == 5, result
    one_line_error(result, "cannot import the oraclefn package", "ORACLEFN_PYTHON")
