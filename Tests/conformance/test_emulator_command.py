"""`oraclefn emulator` as a process: refusing a configuration whose key it cannot trust, stopping on
SIGTERM, and a state directory that keeps objects across a restart."""
import os
import signal
import subprocess

import oci

from conftest import COMPARTMENT, FINGERPRINT, KEY_FILE, TENANCY, USER
from emulator_process import _first_lines, cli_path


def start(*arguments, home):
    environment = {key: value for key, value in os.environ.items() if key != "LITHOPS_CONFIG_FILE"}
    environment["HOME"] = str(home)
    return subprocess.Popen([cli_path(), "emulator", "--port", "0", *arguments], cwd=home, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stop(process):
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=20)


def test_configuration_with_a_mismatched_fingerprint_is_refused(test_config_file, tmp_path):
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(test_config_file.read_text().replace(FINGERPRINT, "00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff"))
    process = start("--config", str(wrong), home=tmp_path)
    _, errors = process.communicate(timeout=30)
    assert process.returncode != 0
    assert b"fingerprint" in errors and FINGERPRINT.encode() in errors


def test_state_directory_keeps_objects_across_a_restart(test_config_file, tmp_path):
    state = tmp_path / "state"
    for round_number in (1, 2):
        process = start("--config", str(test_config_file), "--state", str(state), home=tmp_path)
        try:
            first = _first_lines(process, 1, 30)
            assert first and first[0].startswith("listening on http://127.0.0.1:")
            url = first[0].split()[-1]
            config = {"user": USER, "tenancy": TENANCY, "fingerprint": FINGERPRINT, "key_file": str(KEY_FILE), "region": "us-ashburn-1"}
            client = oci.object_storage.ObjectStorageClient(config, service_endpoint=url)
            if round_number == 1:
                client.create_bucket("oraclefn", oci.object_storage.models.CreateBucketDetails(name="kept", compartment_id=COMPARTMENT))
                client.put_object("oraclefn", "kept", "notes/1.txt", b"written before the restart")
            else:
                assert client.get_object("oraclefn", "kept", "notes/1.txt").data.content == b"written before the restart"
        finally:
            assert stop(process) == 0, "SIGTERM is a clean stop"


def test_connection_limits_that_are_not_positive_are_refused(tmp_path):
    for option, value in (("--max-connections", "0"), ("--max-connections-per-client", "-1"),
                          ("--header-timeout", "0"), ("--body-timeout", "-5"), ("--connection-idle-timeout", "nan")):
        process = start(f"{option}={value}", home=tmp_path)
        _, errors = process.communicate(timeout=30)
        assert process.returncode != 0, option
        assert option.encode() in errors and b"positive" in errors, (option, errors)
