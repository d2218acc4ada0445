"""`oraclefn config check`, and what every command does with bad arguments and a missing or broken configuration."""
import json

import pytest

from clitest import KEYS, REPOSITORY, CLI, one_line_error

FIXTURES = REPOSITORY / "Tests" / "Fixtures" / "config"
FINGERPRINT = "82:ce:c5:77:08:2b:aa:cc:b5:f5:99:fb:4a:13:96:0d"
PASS_PHRASE = "oci-test-passphrase"
REGISTRY_TOKEN = "registry-token-8b1e"


@pytest.fixture
def cli(tmp_path):
    return CLI(tmp_path)


def encrypted_config(tmp_path, fingerprint=FINGERPRINT, extra=""):
    path = tmp_path / "config.yaml"
    path.write_text(
        "oracle:\n"
        "    user: ocid1.user.oc1..aaaaaaaatestuser\n    region: eu-madrid-1\n"
        f"    fingerprint: {fingerprint}\n    tenancy: ocid1.tenancy.oc1..aaaaaaaatesttenancy\n"
        f"    key_file: {KEYS / 'test2048_private_pkcs8_encrypted.pem'}\n    pass_phrase: {PASS_PHRASE}\n"
        "    compartment_id: ocid1.compartment.oc1..aaaaaaaatestcompartment\n"
        f"oracle_f:\n    subnet_id: ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet\n    docker_password: {REGISTRY_TOKEN}\n{extra}")
    return path


def test_config_check_prints_the_merged_configuration_with_secrets_masked(cli, tmp_path):
    result = cli("config", "check", "-c", encrypted_config(tmp_path))
    assert result.code == 0, result
    assert f"The configuration {tmp_path / 'config.yaml'} is valid." in result.stdout
    assert f"matches fingerprint {FINGERPRINT} (oracle, oracle_f, oracle_oss)" in result.stdout
    assert "    runtime_memory: 256" in result.stdout  # defaults filled in
    assert "    docker_server: eu-madrid-1.ocir.io" in result.stdout
    assert "pass_phrase: ********" in result.stdout
    assert PASS_PHRASE not in result.stdout + result.stderr
    assert REGISTRY_TOKEN not in result.stdout + result.stderr


def test_config_check_json(cli, tmp_path):
    result = cli("config", "check", "--config", encrypted_config(tmp_path), "--json")
    assert result.code == 0, result
    report = result.json()
    assert report["source"] == str(tmp_path / "config.yaml")
    assert report["keys"] == [{"sections": ["oracle", "oracle_f", "oracle_oss"], "fingerprint": FINGERPRINT,
                               "key_file": str(KEYS / "test2048_private_pkcs8_encrypted.pem")}]
    assert report["configuration"]["oracle_f"]["max_workers"] == 300
    assert report["configuration"]["oracle"]["pass_phrase"] == "********"
    assert report["configuration"]["oracle_f"]["docker_password"] == "********"


def test_config_check_finds_the_configuration_as_lithops_does(cli, tmp_path):
    (tmp_path / ".lithops").mkdir()
    (tmp_path / ".lithops" / "config").write_text(encrypted_config(tmp_path).read_text())
    result = cli("config", "check")
    assert result.code == 0, result
    assert f"{tmp_path}/.lithops/config is valid" in result.stdout


def test_a_key_that_does_not_match_its_fingerprint_is_a_configuration_error(cli, tmp_path):
    wrong = "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"
    result = cli("config", "check", "-c", encrypted_config(tmp_path, fingerprint=wrong))
    assert result.code == 2, result
    one_line_error(result, "\"fingerprint\" in the \"oracle\" section", wrong, FINGERPRINT)
    assert PASS_PHRASE not in result.stderr


def test_a_wrong_pass_phrase_names_the_key_to_fix(cli, tmp_path):
    path = encrypted_config(tmp_path)
    path.write_text(path.read_text().replace(PASS_PHRASE, "not-the-pass-phrase"))
    result = cli("config", "check", "-c", path)
    assert result.code == 2, result
    one_line_error(result, "\"pass_phrase\" in the \"oracle\" section")
    assert "not-the-pass-phrase" not in result.stderr


@pytest.mark.parametrize("command", [
    ["config", "check"], ["runtime", "list"], ["runtime", "deploy"], ["storage", "ls"], ["logs", "poll", "--once"],
    ["logs", "get", "0123456789abcdef"], ["clean"],
])
def test_every_command_without_a_configuration_says_where_it_looked_and_how_to_start(cli, command):
    result = cli(*command)
    assert result.code == 2, result
    one_line_error(result, "no configuration file found", "~/.lithops/config", "oraclefn emulator")


@pytest.mark.parametrize("text, fragments", [
    ("oracle:\n    user: [unclosed\n", ["config.yaml"]),
    (None, ["\"subnet_id\" is mandatory in the \"oracle_f\" section of the configuration"]),
    ("lithops:\n    backend: aws_lambda\n", ["oraclefn runs only the oracle_f backend"]),
])
def test_a_broken_configuration_is_a_one_line_usage_error(cli, tmp_path, text, fragments):
    path = tmp_path / "config.yaml"
    if text is None:
        path.write_text((FIXTURES / "valid.yaml").read_text().replace(
            "    subnet_id: ocid1.subnet.oc1.eu-madrid-1.aaaaaaaatestsubnet\n", "    max_workers: 10\n").replace(
            "../keys/", f"{KEYS}/"))
    else:
        path.write_text(text)
    result = cli("runtime", "list", "-c", path)
    assert result.code == 2, result
    one_line_error(result, *fragments)


def test_a_missing_configuration_file_is_named(cli):
    result = cli("storage", "ls", "--config", "/nonexistent/oraclefn.yaml")
    assert result.code == 2, result
    one_line_error(result, "/nonexistent/oraclefn.yaml")


@pytest.mark.parametrize("arguments, fragment", [
    (["runtime", "list", "-b", "aws_lambda"], "oraclefn runs the oracle_f backend only"),
    (["storage", "ls", "-s", "aws_s3"], "oraclefn stores in oracle_oss only"),
    (["hello", "-b", "ibm_cf"], "oraclefn runs the oracle_f backend only"),
    (["runtime", "deploy", "--memory", "100"], "--memory 100"),
    (["runtime", "deploy", "--python", "2.7"], "Python 3.11 or 3.12"),
    (["logs", "get", "not-a-job"], "not-a-job is not a job id"),
    (["logs", "poll", "--since", "yesterday"], "--since yesterday"),
    (["storage", "rm", "some-bucket"], "--prefix"),
    (["runtime", "frobnicate"], "frobnicate"),
    (["no-such-command"], "no-such-command"),
    (["storage", "put"], "file"),
])
def test_bad_arguments_exit_2_with_one_line(cli, arguments, fragment):
    result = cli(*arguments)
    assert result.code == 2, result
    one_line_error(result, fragment, "(see --help)")


def test_help_documents_the_commands_and_the_exit_statuses(cli):
    result = cli("--help")
    assert result.code == 0, result
    for command in ("hello", "runtime", "clean", "logs", "storage", "config", "emulator"):
        assert f"\n  {command} " in result.stdout
    assert "map-job" not in result.stdout
    assert "4 the service could not be reached" in result.stdout
    runtime = cli("runtime", "--help")
    assert runtime.code == 0
    for command in ("build", "deploy", "list", "update", "delete"):
        assert f"\n  {command} " in runtime.stdout


def test_an_unreachable_service_exits_4(cli, tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text((FIXTURES / "valid.yaml").read_text().replace("../keys/", f"{KEYS}/")
                    + "    endpoint: http://127.0.0.1:9\n    retry_max_attempts: 1\n")
    result = cli("storage", "ls", "oraclefn-test", "-c", path)
    assert result.code == 4, result
    one_line_error(result, "listing bucket oraclefn-test")


def test_json_errors_are_still_one_line_on_stderr_and_nothing_on_stdout(cli, tmp_path):
    result = cli("runtime", "list", "--json", "-c", tmp_path / "missing.yaml")
    assert result.code == 2
    assert result.stdout == ""
    one_line_error(result, "missing.yaml")
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stderr)
