"""What ships has one binary for the tool and the emulator's native handler: `oraclefn fdk <behaviour>` is the
handler (hidden from --help), and scripts/oraclefn-fdk, the `oraclefn-fdk` the wheel and the SDK carry, runs it;
an emulator whose handler is that script greets through the tool."""
import shutil
import subprocess

from clitest import *  # noqa: F401,F403 (fixtures)
from clitest import CLI, REPOSITORY, cli_path, running_emulator

SHIPPED_HANDLER = REPOSITORY / "scripts" / "oraclefn-fdk"
USAGE = "usage: oraclefn-fdk <echo|hello|sleep|fail|exit|worker>"


def test_the_tools_fdk_command_is_the_native_handler(cli):
    usage = cli("fdk")
    assert usage.code == 2 and usage.stderr.strip() == USAGE, usage
    no_listener = cli("fdk", "hello", env={"FN_FORMAT": "http-stream", "FN_LISTENER": None})
    assert no_listener.code == 1 and "oraclefn-fdk: FN_LISTENER must be unix:" in no_listener.stderr, no_listener
    assert "fdk" not in cli("--help").stdout.split()


def shipped_layouts(folder):
    """The handler script where the wheel puts it (beside oraclefn-cli) and where the SDK does (libexec/oraclefn,
    the tool in bin/oraclefn), each next to a link to the built tool."""
    wheel = folder / "site-packages" / "oraclefn"
    sdk = folder / "prefix"
    for handler, tool in ((wheel / "oraclefn-fdk", wheel / "oraclefn-cli"),
                          (sdk / "libexec" / "oraclefn" / "oraclefn-fdk", sdk / "bin" / "oraclefn")):
        handler.parent.mkdir(parents=True, exist_ok=True)
        tool.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SHIPPED_HANDLER, handler)
        tool.symlink_to(cli_path())
        yield handler


def test_the_shipped_handler_script_runs_the_tool_in_the_wheel_and_in_the_sdk(tmp_path):
    handlers = list(shipped_layouts(tmp_path))
    for handler in handlers:
        done = subprocess.run([str(handler)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and done.stderr.strip() == USAGE, (handler, done)
    alone = tmp_path / "alone" / "oraclefn-fdk"
    alone.parent.mkdir()
    shutil.copy2(SHIPPED_HANDLER, alone)
    missing = subprocess.run([str(alone), "hello"], capture_output=True, text=True, timeout=60)
    assert missing.returncode == 127 and "the oraclefn tool is neither" in missing.stderr, missing


def test_an_emulator_whose_handler_is_the_shipped_script_greets_through_the_tool(tmp_path, monkeypatch):
    handler = next(shipped_layouts(tmp_path))
    monkeypatch.setenv("ORACLEFN_FDK_HANDLER", str(handler))
    with running_emulator() as emulator:
        home = tmp_path / "home"
        home.mkdir()
        result = CLI(home)("hello", "-c", emulator.config_file)
    assert result.code == 0, result
    for name in ("world", "Lithops", "Oracle Functions"):
        assert f"Hello, {name}! Ran in function hello (ocid1.fnfunc." in result.stdout, result
