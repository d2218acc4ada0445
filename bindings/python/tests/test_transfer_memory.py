"""Transfers stream in bounded memory: an object up and down, from Python (transfer_client.py) and from C
(bindings/c/tests/transfer.c), each transfer in a process of its own whose peak RSS (ru_maxrss) is compared with
what it was before the transfer, and the bytes checked by hash. bench/transfer_bench.py does the same at 1 GiB."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import oraclefn
from transfer_client import sha256

HERE = Path(__file__).resolve().parent
C_PROGRAM = HERE.parents[1] / "c" / "build" / "transfer"
SIZE = 128 << 20
#: a transfer may raise the peak by this much at most: buffers, not the object (a quarter of it)
GROWTH_LIMIT_KB = (SIZE >> 10) // 4
BUCKET = "oraclefn-transfer-tests"


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A SIZE-byte file of random bytes, and its SHA-256."""
    path = tmp_path_factory.mktemp("transfer") / "source"
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(SIZE >> 20):
            block = os.urandom(1 << 20)
            digest.update(block)
            f.write(block)
    return path, digest.hexdigest()


@pytest.fixture(scope="module")
def bucket(emulator):
    oraclefn.Storage(oraclefn.load_config(emulator.config_file)).create_bucket(BUCKET)
    return BUCKET


def measured(command):
    """Runs one transfer client; its figures, after checking it grew its peak RSS by less than GROWTH_LIMIT_KB."""
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(done.stdout)
    assert figures["bytes"] == SIZE
    growth = figures["max_rss_kb"] - figures["rss_before_kb"]
    assert growth < GROWTH_LIMIT_KB, "%s raised the peak RSS by %d KiB for a %d MiB object" % (
        command[-1], growth, SIZE >> 20)
    return figures


@pytest.mark.parametrize("upload, download", [("upload_file", "download_file"), ("put_object", "get_object")])
def test_python_streams_in_bounded_memory(emulator, bucket, source, tmp_path, upload, download):
    path, digest = source
    client = [sys.executable, HERE / "transfer_client.py", emulator.config_file, bucket, "py-" + upload]
    measured(client + [path, upload])
    measured(client + [tmp_path / "back", download])
    assert sha256(tmp_path / "back") == digest


@pytest.mark.parametrize("upload, download", [("put", "get"), ("put-fd", "get-fd")])
def test_c_streams_in_bounded_memory(emulator, bucket, source, tmp_path, upload, download):
    if not C_PROGRAM.exists():
        pytest.fail("%s is not built; run bindings/c/build.sh" % C_PROGRAM)
    path, digest = source
    client = [C_PROGRAM, emulator.config_file, bucket, "c-" + upload]
    measured(client + [path, upload])
    measured(client + [tmp_path / "back", download])
    assert sha256(tmp_path / "back") == digest
