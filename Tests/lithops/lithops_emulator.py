"""pytest plugin: Lithops 3.8.0's own tests, run on oraclefn through its compatibility entry point.

Loaded with `-p lithops_emulator` (scripts/lithops-tests.sh does it). On import it calls
oraclefn.lithops.install(), before pytest imports Lithops' conftest and test files, so their `import lithops`
gets oraclefn's API; the test files themselves are read from the installed lithops wheel (lithops/tests).

Lithops' conftest takes `--config FILE`. Given one, the tests run against what it names; without it this plugin
starts `oraclefn-cli emulator` ($ORACLEFN_CLI) for the session and hands the tests the configuration the
emulator generated, with a storage bucket of its own. Either way the bucket is made first: Lithops' Storage
tests write to it before any executor has run.

test_map_reduce.py's setup downloads a data set of five text files from a public S3 bucket. Offline (the host
does not resolve), this plugin serves generated stand-ins for those five URLs to that download: word lists of
similar sizes (55 KB to 1.4 MB), so the chunking tests still make several chunks per object. The tests compare
their results with the words of what was uploaded, so any text does. LITHOPS_TESTS_DATASET=online forces the
real download, =offline the stand-ins.
"""
import atexit
import email.message
import io
import os
import pathlib
import random
import socket
import sys
import urllib.request
import urllib.response

import yaml  # Lithops' own dependency

import oraclefn.lithops

oraclefn.lithops.install()

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "conformance"))

#: The bucket the tests use when this plugin makes the configuration.
BUCKET = "lithops-tests"

_running = None


def pytest_configure(config):
    global _running
    if getattr(config.option, "config", None) is None:
        if not hasattr(config.option, "config"):
            return  # not a Lithops test session
        from emulator_process import running_emulator

        _running = running_emulator()
        emulator = _running.__enter__()
        # stopped at exit, after the executors' own exit hooks (registered later, so run first) have cleaned up
        atexit.register(_stop)
        path = pathlib.Path(emulator.state_directory) / "lithops_tests_config.yaml"
        sections = yaml.safe_load(pathlib.Path(emulator.config_file).read_text())
        sections.setdefault("oracle_oss", {})["storage_bucket"] = BUCKET
        path.write_text(yaml.safe_dump(sections))
        config.option.config = str(path)
    _make_bucket(config.option.config)


#: The data set test_map_reduce.py downloads, and the sizes of the stand-ins served offline.
DATASET = "https://s3-eu-west-1.amazonaws.com/artm/"
STAND_IN_SIZES = {"vocab.enron.txt": 220_000, "vocab.kos.txt": 55_000, "vocab.nips.txt": 110_000,
                  "vocab.nytimes.txt": 1_100_000, "vocab.pubmed.txt": 1_400_000}


def _stand_in(name):
    """A word list of about the file's size, one word per line, the same on every run."""
    rng = random.Random(name)
    letters = "abcdefghijklmnopqrstuvwxyz"
    out, size = [], 0
    while size < STAND_IN_SIZES[name]:
        word = "".join(rng.choice(letters) for _ in range(rng.randint(2, 12)))
        out.append(word)
        size += len(word) + 1
    return ("\n".join(out) + "\n").encode()


class _OfflineDataSet(urllib.request.BaseHandler):
    handler_order = 100  # before the real HTTPS handler

    def https_open(self, request):
        url = request.full_url
        name = url[len(DATASET):]
        if not url.startswith(DATASET) or name not in STAND_IN_SIZES:
            return None
        body = _stand_in(name)
        headers = email.message.Message()
        headers["Content-Length"] = str(len(body))
        headers["Content-Type"] = "text/plain"
        response = urllib.response.addinfourl(io.BytesIO(body), headers, url, 200)
        response.msg = "OK"
        return response


def _dataset_offline():
    wanted = os.environ.get("LITHOPS_TESTS_DATASET", "")
    if wanted in ("online", "offline"):
        return wanted == "offline"
    try:
        socket.getaddrinfo("s3-eu-west-1.amazonaws.com", 443)
        return False
    except OSError:
        return True


if _dataset_offline():
    urllib.request.install_opener(urllib.request.build_opener(_OfflineDataSet()))


def _stop():
    global _running
    if _running is not None:
        _running.__exit__(None, None, None)
        _running = None


def _make_bucket(config_file):
    """The configured bucket (oracle_oss.storage_bucket, else the executors' default), made when missing."""
    from oraclefn import errors, executor

    loaded = oraclefn.load_config(config_file)
    storage = oraclefn.Storage(loaded)
    try:
        storage.create_bucket(loaded["oracle_oss"].get("storage_bucket") or executor._default_bucket(loaded))
    except errors.ConflictError:
        pass
    finally:
        storage.close()


def pytest_report_header(config):
    dataset = "generated stand-ins (offline)" if _dataset_offline() else "downloaded"
    return [f"test_map_reduce data set: {dataset}",
            f"lithops: oraclefn {oraclefn.__version__} through oraclefn.lithops.install(); "
            f"config {getattr(config.option, 'config', None)}",
            f"oraclefn package: {os.path.dirname(oraclefn.__file__)}"]
