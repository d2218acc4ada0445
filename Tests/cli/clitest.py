"""What the CLI tests share: the built `oraclefn-cli` ($ORACLEFN_CLI, else `swift build --show-bin-path`), an emulator
it runs against (Tests/conformance/emulator_process.py), configurations for it, and running the CLI to its end.

The fixtures are imported by each test module (`from clitest import *`), so each module gets its own emulator."""
import contextlib
import hashlib
import http.client
import http.server
import json
import os
import pathlib
import subprocess
import sys
import threading
import urllib.parse
import uuid

import oci
import pytest

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY / "Tests" / "conformance"))
from emulator_process import cli_path, running_emulator  # noqa: E402

KEYS = REPOSITORY / "Tests" / "Fixtures" / "keys"
VERSION = "0.1.0"


class Result:
    """A finished CLI run."""

    def __init__(self, completed):
        self.code = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self):
        return f"<exit {self.code}\nstdout: {self.stdout}\nstderr: {self.stderr}>"


class CLI:
    """Runs `oraclefn-cli` with a home of its own (so no configuration is found by accident), Python for the
    runtime build context, and the given environment changes."""

    def __init__(self, home):
        self.home = pathlib.Path(home)
        self.path = cli_path()

    def environment(self, **changes):
        environment = {key: value for key, value in os.environ.items() if key != "LITHOPS_CONFIG_FILE"}
        environment.update(HOME=str(self.home), ORACLEFN_PYTHON=sys.executable)
        for key, value in changes.items():
            if value is None:
                environment.pop(key, None)
            else:
                environment[key] = value
        return environment

    def __call__(self, *arguments, env=None, cwd=None, timeout=120, stdin=None):
        completed = subprocess.run(
            [self.path, *map(str, arguments)], cwd=cwd or self.home, env=self.environment(**(env or {})),
            capture_output=True, text=True, timeout=timeout, input=stdin)
        return Result(completed)

    def start(self, *arguments, **popen):
        """The CLI as a running process (stdout piped), for commands that follow."""
        return subprocess.Popen([self.path, *map(str, arguments)], cwd=self.home, env=self.environment(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def one_line_error(result, *fragments):
    """The run failed with one line on stderr, `oraclefn: ...`, holding every fragment."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result
    assert lines[0].startswith("oraclefn: "), result
    for fragment in fragments:
        assert fragment in lines[0], result
    return lines[0]


def with_keys(config_text, section, **keys):
    """The configuration's YAML with `keys` added at the top of `section` (written as the emulator writes it)."""
    added = "".join(f"  {key}: {json.dumps(value) if isinstance(value, str) else value}\n" for key, value in keys.items())
    return config_text.replace(f"\n{section}:\n", f"\n{section}:\n{added}", 1)


def lithops_function_name(image, memory, user):
    """The function Lithops' oracle_f backend names for an image and memory (its hash, our version)."""
    digest = hashlib.sha1(f"{image}-{memory}-{VERSION}-{user}".encode()).hexdigest()[:10]
    last = image.split("/")[-1]
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in f"lithops-worker-{last}-v{VERSION}")
    return f"{safe}-{digest}"


@pytest.fixture(scope="module")
def emulator():
    """An emulator with a generated key and configuration; its Python image runs this interpreter's worker."""
    with running_emulator() as running:
        yield running


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def cli(home):
    return CLI(home)


@pytest.fixture(scope="module")
def bucket():
    return "cli-" + uuid.uuid4().hex[:10]


@pytest.fixture(scope="module")
def config(emulator, home, bucket):
    """The emulator's configuration with a storage bucket and an application of this module's own."""
    text = pathlib.Path(emulator.config_file).read_text()
    text = with_keys(text, "oracle_oss", storage_bucket=bucket)
    text = with_keys(text, "oracle_f", application_name="app-" + uuid.uuid4().hex[:8])
    path = home / f"config-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def oci_config(emulator):
    return emulator.oci_config()


@pytest.fixture(scope="module")
def management(emulator, oci_config):
    return oci.functions.FunctionsManagementClient(oci_config, service_endpoint=emulator.url)


@pytest.fixture(scope="module")
def object_storage(emulator, oci_config):
    return oci.object_storage.ObjectStorageClient(oci_config, service_endpoint=emulator.url)


@contextlib.contextmanager
def like_oci(emulator_url):
    """A loopback proxy in front of the emulator that answers its emulator-only paths (`/oraclefn/...`) 404 as OCI
    does, so a command pointed at it takes the emulator for Oracle Functions. Yields the proxy's URL."""
    target = urllib.parse.urlsplit(emulator_url)

    class Forward(http.server.BaseHTTPRequestHandler):
        def _forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.startswith("/oraclefn/"):
                status, headers, data = 404, {"Content-Type": "application/json"}, json.dumps(
                    {"code": "NotAuthorizedOrNotFound", "message": "Not found"}).encode()
            else:
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
                try:
                    # the Host header goes as the client signed it
                    connection.request(self.command, self.path, body=body, headers=dict(self.headers.items()))
                    answer = connection.getresponse()
                    status, data = answer.status, answer.read()
                    headers = {k: v for k, v in answer.getheaders() if k.lower() not in ("content-length", "transfer-encoding", "connection")}
                finally:
                    connection.close()
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
