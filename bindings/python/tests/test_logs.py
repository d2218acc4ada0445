"""oraclefn.logs: following the functions' logs from Python, as `oraclefn logs poll` does."""
import pathlib

import pytest

import oraclefn
from oraclefn import logs


def test_the_lines_hello_wrote_are_read_once(engine, config):
    engine.hello(names=["Py"])
    with logs.LogFollower(config, function="hello", since="1h") as follower:
        lines = follower.next()
        mine = [line for line in lines if line["message"].startswith("hello: greeting Py for call ")]
        assert len(mine) == 1, lines
        assert mine[0]["stream"] == "stdout" and mine[0]["functionId"].startswith("ocid1.fnfunc.")
        assert follower.next() == [], "each line is read once"
        engine.hello(names=["again"])
        assert [line["message"].split(" for call")[0] for line in follower.next()] == ["hello: greeting again"]


def test_poll_once_yields_what_there_is(engine, config):
    engine.hello(names=["poll"])
    messages = [line["message"] for line in logs.poll(config, function="hello", since="1h", once=True)]
    assert any(message.startswith("hello: greeting poll for call ") for message in messages), messages


def test_bad_arguments_say_what_to_give(config):
    with pytest.raises(oraclefn.InvalidArgumentError, match="30s, 10m"):
        logs.LogFollower(config, since="yesterday")
    with pytest.raises(oraclefn.NotFoundError, match="no function named nothing-here"):
        logs.LogFollower(config, function="nothing-here")


def test_on_oracle_functions_the_log_keys_are_needed(emulator, tmp_path):
    path = tmp_path / "oci.yaml"
    # no endpoint: OCI itself, never reached because the keys are checked first
    path.write_text("\n".join(line for line in pathlib.Path(emulator.config_file).read_text().splitlines()
                              if "endpoint:" not in line) + "\n")
    with pytest.raises(oraclefn.ConfigError, match="set log_group_id and log_id in the oracle_f section"):
        logs.LogFollower(oraclefn.load_config(path))
