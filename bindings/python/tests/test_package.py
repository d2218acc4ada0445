import oraclefn


def test_version_and_library_path():
    assert oraclefn.__version__ == "0.1.0"
    assert oraclefn.library_path.name == "liboraclefn.so"


def test_error_hierarchy():
    assert issubclass(oraclefn.NotFoundError, KeyError)
    assert issubclass(oraclefn.TimeoutError, TimeoutError)
    assert issubclass(oraclefn.KeyFileError, oraclefn.ConfigError)
    for name in ("ConfigError", "AuthError", "ThrottledError", "ServiceError", "NetworkError"):
        assert issubclass(getattr(oraclefn, name), oraclefn.OracleFnError)


def test_broken_yaml_is_a_config_error():
    try:
        oraclefn.parse_config("lithops: [")
    except oraclefn.ConfigError as e:
        assert "line" in str(e)
    else:
        raise AssertionError("broken YAML was accepted")


def test_the_worker_imports_without_the_library():
    """Inside a function's image there is no liboraclefn.so: the worker must import all the same."""
    import subprocess
    import sys
    env = {"ORACLEFN_LIBRARY": "/nonexistent/liboraclefn.so", "PATH": "/usr/bin:/bin"}

    def run(code):
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)

    worker = run("import oraclefn.worker.handler, oraclefn.errors")
    assert worker.returncode == 0, worker.stderr
    engine = run("import oraclefn; oraclefn.Engine")
    assert engine.returncode != 0 and "/nonexistent/liboraclefn.so" in engine.stderr
