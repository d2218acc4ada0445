"""The C programs, run against the same emulator and worker function as the Python engine tests."""
import subprocess
from pathlib import Path

import pytest
from conftest import BUCKET

BUILD = Path(__file__).resolve().parents[2] / "c" / "build"


def run(program, *args):
    path = BUILD / program
    if not path.exists():
        pytest.fail("%s is not built; run bindings/c/build.sh" % path)
    return subprocess.run([str(path), *map(str, args)], capture_output=True, text=True, timeout=300)


def test_engine_from_c(emulator, config, worker_function):
    done = run("engine_smoke", emulator.config_file, worker_function, BUCKET)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith("passed, 0 failed")


def test_sign_request_example(emulator):
    done = run("sign_request", emulator.config_file, "GET", emulator.url + "/n/")
    assert done.returncode == 0, done.stderr
    assert '"authorization":"Signature ' in done.stdout


def test_map_example(emulator, worker_function):
    done = run("map", emulator.config_file, worker_function, "hello", "world")
    assert done.returncode != 0  # the generated configuration names no bucket for a detached job
    assert "bucket" in done.stderr


def test_map_example_with_a_bucket(emulator, worker_function, tmp_path):
    config = tmp_path / "config.yaml"
    text = open(emulator.config_file).read()
    config.write_text(text.replace("oracle_oss:\n", "oracle_oss:\n  storage_bucket: %s\n" % BUCKET, 1))
    done = run("map", config, worker_function, "hello", "world")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["0: hello", "1: world"]
    assert "2/2 done, 0 failed" in done.stderr
