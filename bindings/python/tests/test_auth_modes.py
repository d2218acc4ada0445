"""A map job in each credential mode against the emulator, from Python, from C and from the command line: an API
key, a session token (the [SESSION] profile `oraclefn emulator --state` writes, refreshed and expired),
instance principals (the emulator's metadata stand-in and federation) and resource principals (the files it
writes for them)."""
import base64
import json
import os
import pathlib
import subprocess
import time

import oci
import pytest
from oci._vendor import requests

import oraclefn
from conftest import make_worker_function
from emulator_process import cli_path, running_emulator

BUILD = pathlib.Path(__file__).resolve().parents[2] / "c" / "build"
MODES = ["api_key", "security_token", "instance_principal", "resource_principal"]


def double(x):
    return 2 * x


def sections(emulator):
    """What every mode shares: the emulator's endpoints, namespace, compartment, region and subnet."""
    generated = oraclefn.load_config(emulator.config_file)
    return {
        "lithops": {"log_level": "WARNING"},
        "oracle": {key: generated["oracle"][key] for key in ("region", "compartment_id", "tenancy_namespace")},
        "oracle_f": {"subnet_id": generated["oracle_f"]["subnet_id"], "endpoint": emulator.url},
        "oracle_oss": {"endpoint": emulator.url, "storage_bucket": "auth-modes"},
    }


def configuration(emulator, mode):
    """(configuration sections, environment) for `mode`."""
    config = sections(emulator)
    state = pathlib.Path(emulator.state_directory)
    environment = {}
    if mode == "api_key":
        config["oracle"].update(config_file=str(state / "oci_config"), profile="DEFAULT")
    elif mode == "security_token":
        config["oracle"].update(config_file=str(state / "oci_config"), profile="SESSION")
    elif mode == "instance_principal":
        config["oracle"].update(auth="instance_principal", auth_endpoint=emulator.url)
        environment["OCI_METADATA_BASE_URL"] = emulator.url + "/opc/v2"
    else:
        config["oracle"]["auth"] = "resource_principal"
        environment.update(
            OCI_RESOURCE_PRINCIPAL_VERSION="2.2", OCI_RESOURCE_PRINCIPAL_REGION=config["oracle"]["region"],
            OCI_RESOURCE_PRINCIPAL_RPST=str(state / "resource_principal" / "rpst"),
            OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM=str(state / "resource_principal" / "private.pem"))
    return config, environment


@pytest.fixture(scope="module")
def emulator():
    """An emulator of these tests' own: the jobs here deploy the Python runtime, which changes what hello
    answers with on the shared one."""
    with running_emulator() as running:
        yield running


@pytest.fixture(scope="module")
def native_function(emulator):
    generated = oraclefn.load_config(emulator.config_file)
    return make_worker_function(emulator, generated["oracle"]["compartment_id"], generated["oracle_f"]["subnet_id"],
                                bucket="auth-modes-native")


@pytest.fixture
def mode_config(request, emulator, monkeypatch, tmp_path):
    config, environment = configuration(emulator, request.param)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps(config))  # JSON is YAML
    return request.param, config, path, environment


@pytest.mark.parametrize("mode_config", MODES, indirect=True)
def test_a_python_map_job_in_each_mode(mode_config):
    mode, config, _, _ = mode_config
    loaded = oraclefn.parse_config(json.dumps(config))
    assert loaded["oracle"]["auth"] == mode
    with oraclefn.FunctionExecutor(config=config) as fexec:
        assert fexec.get_result(fexec.map(double, range(20))) == [2 * n for n in range(20)]


@pytest.mark.parametrize("mode_config", MODES, indirect=True)
def test_a_c_map_job_in_each_mode(mode_config, native_function):
    _, _, path, environment = mode_config
    program = BUILD / "map"
    if not program.exists():
        pytest.fail(f"{program} is not built; run bindings/c/build.sh")
    done = subprocess.run([str(program), str(path), native_function, "one", "two"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **environment})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["0: one", "1: two"], done.stdout


@pytest.mark.parametrize("mode_config", MODES, indirect=True)
def test_the_command_line_in_each_mode(mode_config):
    mode, _, path, environment = mode_config
    env = {**os.environ, **environment}
    check = subprocess.run([cli_path(), "config", "check", "-c", str(path), "--json"], capture_output=True, text=True,
                           timeout=120, env=env)
    assert check.returncode == 0, check.stderr
    report = json.loads(check.stdout)
    assert report["auth"] == mode
    assert (report.get("token_expires") is None) == (mode == "api_key"), report
    hello = subprocess.run([cli_path(), "hello", "-c", str(path)], capture_output=True, text=True, timeout=120, env=env)
    assert hello.returncode == 0, hello.stderr
    assert "Hello, world!" in hello.stdout


def test_auth_on_the_command_line_overrides_the_configuration(emulator, tmp_path):
    config, _ = configuration(emulator, "api_key")
    path = tmp_path / "config.yaml"
    path.write_text(json.dumps(config))
    done = subprocess.run([cli_path(), "config", "check", "-c", str(path), "--auth", "resource_principal"],
                          capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if not k.startswith("OCI_RESOURCE_PRINCIPAL")})
    assert done.returncode != 0
    assert "OCI_RESOURCE_PRINCIPAL_VERSION" in done.stderr and "inside an OCI function" in done.stderr, done.stderr


def token_expiry(token):
    claims = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["exp"]


def refresh(emulator, token_file, key_file):
    """What `oci session refresh` does: the current token, signed with the session key, for a new one."""
    token = pathlib.Path(token_file).read_text().strip()
    signer = oci.auth.signers.SecurityTokenSigner(token, oci.signer.load_private_key_from_file(key_file))
    answer = requests.post(emulator.url + "/v1/authentication/refresh", json={"currentToken": token}, auth=signer)
    assert answer.status_code == 200, answer.text
    fresh = answer.json()["token"]
    pathlib.Path(token_file).write_text(fresh)
    return fresh


def test_a_session_token_is_read_again_when_refreshed_and_an_expired_one_says_to_refresh(tmp_path):
    lifetime = 20
    with running_emulator("--token-lifetime", str(lifetime)) as emulator:
        config, _ = configuration(emulator, "security_token")
        config["lithops"]["data_cleaner"] = False  # nothing can be cleaned once the token has expired
        profile = oci.config.from_file(str(pathlib.Path(emulator.state_directory) / "oci_config"), "SESSION")
        token_file, key_file = profile["security_token_file"], profile["key_file"]
        first_expiry = token_expiry(pathlib.Path(token_file).read_text().strip())
        with oraclefn.FunctionExecutor(config=config) as fexec:
            assert fexec.get_result(fexec.map(double, [1, 2])) == [2, 4]
            time.sleep(max(0, first_expiry - lifetime // 2 - time.time()))  # so the refreshed token outlives it by half
            renewed_expiry = token_expiry(refresh(emulator, token_file, key_file))
            assert renewed_expiry > first_expiry

            # the first token has expired: only the refreshed one, read again from its file, signs now
            time.sleep(max(0, first_expiry + 1 - time.time()))
            assert time.time() < renewed_expiry - 2, "the machine was too slow to test the refreshed token"
            assert fexec.get_result(fexec.map(double, [3])) == [6]

            time.sleep(max(0, renewed_expiry + 1 - time.time()))
            with pytest.raises(oraclefn.OracleFnError) as raised:
                fexec.get_result(fexec.map(double, [4]))
            message = str(raised.value)
            assert "oci session refresh --profile SESSION" in message, message
            assert pathlib.Path(token_file).read_text().strip() not in message
