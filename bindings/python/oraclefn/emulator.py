"""The embedded emulator: `oraclefn emulator` as a child process, for a process that has no configuration.

It binds 127.0.0.1 on a free port, generates a key and a ready Lithops configuration in a temporary folder,
and runs the `oraclefn/python` image with this interpreter (ORACLEFN_PYTHON), so functions unpickle what this
process pickles. It is stopped when this process exits (and killed with it, should it die first).
"""
from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Sequence

from . import errors
from ._lib import path as library_path

#: How long the emulator has to print its address and configuration.
START_TIMEOUT = 60
_PR_SET_PDEATHSIG = 1


def locate_cli() -> str:
    """The oraclefn command-line tool: ORACLEFN_CLI, else beside the library, else `oraclefn` on PATH."""
    if os.environ.get("ORACLEFN_CLI"):
        return os.environ["ORACLEFN_CLI"]
    for name in ("oraclefn-cli", "oraclefn"):
        candidate = library_path.parent / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("oraclefn")
    if found:
        return found
    raise errors.ConfigError(
        "no configuration was found and the oraclefn tool, which runs the embedded emulator, is not installed: "
        f"looked at $ORACLEFN_CLI, beside {library_path} and on PATH. Write a Lithops configuration "
        "(see README.md), or build the tool with scripts/build.sh and set ORACLEFN_CLI to it")


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Emulator:
    """A running `oraclefn emulator`: its `url` and the `config_file` it generated."""

    def __init__(self, cli: str | None = None, arguments: Sequence[str] = (),
                 start_timeout: float = START_TIMEOUT) -> None:
        self._folder = tempfile.mkdtemp(prefix="oraclefn-emulator-")
        log_path = os.path.join(self._folder, "emulator.log")
        # objects stay in memory (no --state: writing each through to disk would slow every job down); the key and
        # configuration it generates go to a temporary folder, which TMPDIR puts inside ours
        environment = dict(os.environ, ORACLEFN_PYTHON=sys.executable, TMPDIR=self._folder)
        with open(log_path, "wb") as log:
            self._process = subprocess.Popen(
                [cli or locate_cli(), "emulator", "--port", "0", *arguments],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=environment,
                preexec_fn=_die_with_parent)
        try:
            self.url, self.config_file = self._read_start(log_path, start_timeout)
        except BaseException:
            self.stop()
            raise

    def _read_start(self, log_path: str, timeout: float) -> tuple[str, str]:
        deadline = time.monotonic() + timeout
        while True:
            with open(log_path, "rb") as log:
                lines = log.read().decode("utf-8", "replace").splitlines()
            listening = [line for line in lines if line.startswith("listening on ")]
            configuration = [line for line in lines if line.startswith("configuration: ")]
            if listening and configuration:
                return listening[0].split()[-1], configuration[0].split(": ", 1)[1].strip()
            if self._process.poll() is not None or time.monotonic() > deadline:
                why = f"exited with status {self._process.returncode}" if self._process.returncode is not None \
                    else f"did not start within {timeout} s"
                raise errors.ConfigError(
                    f"the embedded emulator {why}; it printed: {' | '.join(lines[-5:]) or 'nothing'}")
            time.sleep(0.02)

    @property
    def running(self) -> bool:
        """Whether the emulator's process is still running."""
        return self._process.poll() is None

    def stop(self) -> None:
        """Stops the emulator (its functions' handlers with it) and removes its state folder."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)


_shared: Emulator | None = None
_shared_lock = threading.Lock()


def shared() -> Emulator:
    """The process's embedded emulator, started on first use and stopped at exit."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.running:
            _shared = Emulator()
            atexit.register(_shared.stop)
        return _shared
