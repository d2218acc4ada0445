"""The README's command-line walk-through on the emulator runs as written: one terminal serves the emulator, the
other runs the commands, in a folder laid out as `scripts/setup.sh` leaves the repository (bin/oraclefn, .venv)."""
import os
import re
import signal
import subprocess
import sys

from clitest import REPOSITORY, cli_path
from emulator_process import _first_lines


def block(marker):
    """The shell block that follows `<!-- marker -->` in README.md."""
    text = (REPOSITORY / "README.md").read_text()
    found = re.search(rf"<!-- {re.escape(marker)} -->\n```sh\n(.*?)```", text, re.S)
    assert found, f"README.md has no block marked {marker}"
    return found.group(1)


def test_the_emulator_walkthrough_runs_as_written(tmp_path):
    checkout = tmp_path / "oraclefn"
    (checkout / "bin").mkdir(parents=True)
    (checkout / "bin" / "oraclefn").symlink_to(cli_path())
    # the virtual environment this test runs in, which has the Python package and the worker's peers
    (checkout / ".venv").symlink_to(sys.prefix)
    home = tmp_path / "home"
    home.mkdir()
    environment = {key: value for key, value in os.environ.items() if key not in ("LITHOPS_CONFIG_FILE", "ORACLEFN_PYTHON")}
    environment["HOME"] = str(home)

    server = subprocess.Popen(["bash", "-euc", block("cli-walkthrough-emulator")], cwd=checkout, env=environment,
                              stdout=subprocess.PIPE, start_new_session=True)
    try:
        first, second = _first_lines(server, 2, timeout=30)
        assert first.startswith("listening on http://127.0.0.1:")
        assert second == f"configuration: {home}/.oraclefn-emulator/lithops_config.yaml"

        client = subprocess.run(["bash", "-euc", block("cli-walkthrough-emulator-client")], cwd=checkout, env=environment,
                                capture_output=True, text=True, timeout=300)
        assert client.returncode == 0, client.stderr
        out = client.stdout
        assert f"The configuration {home}/.oraclefn-emulator/lithops_config.yaml is valid." in out
        assert "Hello, Oracle Functions! Ran in function hello" in out
        python = "%d.%d" % sys.version_info[:2]
        assert f"Deployed runtime oraclefn-python-v{python.replace('.', '')}: image oraclefn/python:{python}" in out
        assert re.search(r"Hello, world! Ran in function lithops-worker-python-\S+ \(ocid1\.fnfunc\.[^)]+\), application lithops_", out)
        assert re.search(rf"oraclefn/python:{re.escape(python)}\s+256 MB\s+0\.1\.0\s+lithops-worker-python-", out)
        assert "stdout: hello: greeting world for call" in out
        assert re.search(r"Deleted lithops-worker-python-\S+ \(256 MB\)", out)
        assert re.search(r"Deleted 0 functions of application lithops_\w+ and the application", out)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
