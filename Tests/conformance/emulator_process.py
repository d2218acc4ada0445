"""Starting the built `oraclefn-cli emulator` as a subprocess for a test, and stopping it after.

The binary is $ORACLEFN_CLI, else `oraclefn-cli` in `swift build --show-bin-path`; nothing is built here.
"""
import contextlib
import os
import pathlib
import resource
import selectors
import signal
import subprocess
import sys
import tempfile

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]


def cli_path():
    if os.environ.get("ORACLEFN_CLI"):
        return os.environ["ORACLEFN_CLI"]
    bin_path = subprocess.run(
        ["swift", "build", "--show-bin-path"], cwd=REPOSITORY, check=True, capture_output=True, text=True
    ).stdout.strip()
    return os.path.join(bin_path, "oraclefn-cli")


class RunningEmulator:
    def __init__(self, url, config_file, state_directory=None, pid=None):
        self.url = url
        #: the emulator's process id (its memory is read from /proc/PID/status)
        self.pid = pid
        #: the Lithops configuration the emulator generated (its key is the one it trusts)
        self.config_file = config_file
        #: its --state folder, where it writes oci_config, sessions/SESSION/ and resource_principal/
        self.state_directory = state_directory

    def oci_config(self):
        """The oci SDK configuration for the generated key, read from the generated Lithops file."""
        oracle = {}
        section = None
        for line in pathlib.Path(self.config_file).read_text().splitlines():
            if line and not line.startswith((" ", "#")):
                section = line.rstrip(":")
            elif section == "oracle" and ":" in line:
                key, value = line.strip().split(":", 1)
                oracle[key] = value.strip().strip('"')
        return {key: oracle[key] for key in ("user", "tenancy", "fingerprint", "key_file", "region")}


@contextlib.contextmanager
def running_emulator(*arguments, config_file=None, startup_seconds=30, descriptor_limit=None):
    """Runs `oraclefn-cli emulator --port 0 --state <temporary dir> ARGUMENTS`; yields a RunningEmulator.

    With `config_file` it trusts that Lithops configuration's key (`--config`); without, it has no configuration
    of its own to find, so it generates a key and a configuration. `descriptor_limit` lowers its soft
    RLIMIT_NOFILE, as on a machine with the common default of 1024."""
    with tempfile.TemporaryDirectory(prefix="oraclefn-conformance-") as home:
        environment = {key: value for key, value in os.environ.items() if key != "LITHOPS_CONFIG_FILE"}
        environment["HOME"] = home
        # its oraclefn/python image runs this interpreter, which has the worker's packages
        environment.setdefault("ORACLEFN_PYTHON", sys.executable)
        state = os.path.join(home, "state")
        process = subprocess.Popen(
            [cli_path(), "emulator", "--port", "0", "--state", state,
             *(["--config", str(config_file)] if config_file else []), *arguments],
            cwd=home, env=environment, stdout=subprocess.PIPE,
            preexec_fn=(lambda: _limit_descriptors(descriptor_limit)) if descriptor_limit else None,
        )
        try:
            lines = _first_lines(process, 2, startup_seconds)
            second = "trusting the API key of " if config_file else "configuration: "
            if len(lines) < 2 or not lines[0].startswith("listening on ") or not lines[1].startswith(second):
                raise RuntimeError(f"the emulator did not start; it printed {lines!r}")
            yield RunningEmulator(lines[0].split()[-1], str(config_file) if config_file else lines[1].split(": ", 1)[1], state, process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _limit_descriptors(limit):
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))


def _first_lines(process, count, timeout):
    """The first `count` lines of the process's stdout, read straight from the pipe (no buffering ahead)."""
    received = b""
    descriptor = process.stdout.fileno()
    with selectors.DefaultSelector() as selector:
        selector.register(descriptor, selectors.EVENT_READ)
        while received.count(b"\n") < count and selector.select(timeout):
            chunk = os.read(descriptor, 4096)
            if not chunk:
                break
            received += chunk
    return [line.strip() for line in received.decode().splitlines()[:count]]
