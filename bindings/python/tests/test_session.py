"""One session per configuration: an executor's engine, storage and runtimes share one HTTP client (one I/O
thread) and read the key once; and a function can run a job of its own with its resource principal."""
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap

import pytest

import oraclefn
from oraclefn.worker import calls

HTTP_THREAD = "oraclefn-http"


def http_threads():
    """The library's HTTP I/O threads in this process, by the name each client gives its thread."""
    names = []
    for task in pathlib.Path("/proc/self/task").iterdir():
        try:
            names.append((task / "comm").read_text().strip())
        except FileNotFoundError:  # the thread ended meanwhile
            continue
    return names.count(HTTP_THREAD)


def sleepy(seconds):
    import time
    time.sleep(seconds)
    return seconds


def test_an_executor_with_a_job_running_holds_one_http_thread(emulator):
    before = http_threads()
    with oraclefn.FunctionExecutor(config_file=emulator.config_file) as fexec:
        futures = fexec.map(sleepy, [0.5] * 4)
        running = http_threads() - before
        assert fexec.get_result(futures) == [0.5] * 4
    assert running == 1, f"an executor with a job running has {running} HTTP I/O threads, not 1"


def test_sessions_are_one_per_configuration(config):
    assert config.session is config.session
    engine, storage = oraclefn.Engine(config), oraclefn.Storage(config)
    try:
        assert storage.namespace() == "oraclefn"
    finally:
        engine.close()
        storage.close()


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (scripts/install-deps.sh installs it)")
def test_an_executor_reads_its_key_once(emulator, tmp_path):
    """Counted from outside: strace sees every open of the key file by the process and its threads."""
    key_file = next(line.split(":", 1)[1].strip().strip('"') for line in
                    pathlib.Path(emulator.config_file).read_text().splitlines() if line.strip().startswith("key_file:"))
    script = tmp_path / "job.py"
    script.write_text(textwrap.dedent(f"""
        import oraclefn
        def double(x):
            return 2 * x
        with oraclefn.FunctionExecutor(config_file={emulator.config_file!r}) as fexec:
            assert fexec.get_result(fexec.map(double, range(10))) == [2 * n for n in range(10)]
            oraclefn.Storage(fexec.config).list_keys(fexec.bucket)
        print("ok")
        """))
    trace = tmp_path / "trace"
    done = subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", str(trace), sys.executable, str(script)],
                          capture_output=True, text=True, timeout=300, env=os.environ)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
    opens = [line for line in trace.read_text().splitlines() if key_file in line and "ENOENT" not in line]
    assert len(opens) == 1, f"the key file was opened {len(opens)} times:\n" + "\n".join(opens)


def nested_sum(n):
    """Runs inside a function: a job of its own, with no configuration given, as Lithops' dynamic composition."""
    import os
    import oraclefn
    assert os.environ.get("OCI_RESOURCE_PRINCIPAL_VERSION") == "2.2"
    inner = oraclefn.FunctionExecutor()
    assert inner.config["oracle"]["auth"] == "resource_principal"
    return sum(inner.get_result(inner.map(lambda x: x * n, range(5))))


def test_a_function_runs_a_job_of_its_own_with_its_resource_principal(emulator):
    with oraclefn.FunctionExecutor(config_file=emulator.config_file) as fexec:
        futures = fexec.map(nested_sum, [1, 10])
        assert fexec.get_result(futures) == [10, 100]


def test_the_calling_job_reaches_functions_without_secrets(config):
    job = {"config": oraclefn.executor._config_for_functions(config, "bucket"), "function": "f"}
    text = repr(job)
    assert job["config"]["oracle"]["auth"] == "resource_principal"
    for secret in ("key_file", "pass_phrase", "fingerprint", "docker_password", "<masked>"):
        assert secret not in text
    assert calls.JOB_VARIABLE == "ORACLEFN_JOB"
