import pathlib
import re

import pytest

import oraclefn


def test_version_and_library_path():
    assert oraclefn.__version__ == "0.1.0"
    assert oraclefn.library_path.name == "liboraclefn.so"


def test_error_hierarchy():
    assert issubclass(oraclefn.NotFoundError, KeyError)
    assert issubclass(oraclefn.CallTimeoutError, TimeoutError)
    assert issubclass(oraclefn.KeyFileError, oraclefn.ConfigError)
    for name in ("ConfigError", "AuthError", "ThrottledError", "ServiceError", "NetworkError"):
        assert issubclass(getattr(oraclefn, name), oraclefn.OracleFnError)


def test_all_names_every_error_and_every_lazy_name_once_sorted():
    from oraclefn import errors
    exceptions = {name for name, value in vars(errors).items()
                  if isinstance(value, type) and issubclass(value, errors.OracleFnError)}
    assert oraclefn.__all__ == sorted(set(oraclefn.__all__))
    assert set(oraclefn.__all__) == exceptions | set(oraclefn._LAZY)


def test_star_import_hides_no_builtin():
    """`from oraclefn import *` must leave Python's own names (TimeoutError, ...) alone."""
    import builtins
    hidden = sorted(set(oraclefn.__all__) & set(dir(builtins)))
    assert not hidden, f"oraclefn.__all__ hides the builtins {hidden}"
    assert not hasattr(oraclefn, "TimeoutError")
    namespace = {}
    exec("from oraclefn import *", namespace)
    assert "TimeoutError" not in namespace and namespace["CallTimeoutError"] is oraclefn.CallTimeoutError


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


HEADER = pathlib.Path(__file__).resolve().parents[3] / "include" / "oraclefn_types.h"


def test_the_version_is_known_without_the_library_and_matches_the_header_and_the_library():
    import subprocess
    import sys
    done = subprocess.run([sys.executable, "-c", "import oraclefn; print(oraclefn.__version__)"], capture_output=True,
                          text=True, env={"ORACLEFN_LIBRARY": "/nonexistent/liboraclefn.so", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    header = re.search(r'#define OFN_VERSION "([^"]+)"', HEADER.read_text()).group(1)
    from oraclefn._lib import lib
    assert done.stdout.strip() == header == lib.ofn_version().decode("ascii")


def test_every_status_of_the_header_has_its_exception():
    """The status codes come from include/oraclefn_types.h: each error value maps to its class, and back."""
    from oraclefn import errors
    statuses = {name: int(value) for name, value in
                re.findall(r"^\s*(OFN_E\w+|OFN_ERROR)\s*=\s*(-?\d+)", HEADER.read_text(), re.MULTILINE)}
    assert len(statuses) >= 17
    for name, value in statuses.items():
        raised = errors.from_status(value, "message", "", 0, "")
        assert isinstance(raised, errors.OracleFnError), name
        if value != -1:
            assert type(raised).status == value, f"{name} = {value} maps to {type(raised).__name__}"
    classes = {cls.status for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.OracleFnError)}
    assert classes - {-1} <= set(statuses.values()), "an exception has a status the header does not define"


def test_jobs_and_signers_close_with_with(fixtures):
    signer_file = fixtures / "keys" / "test2048_private_pkcs8.pem"
    with oraclefn.Signer(str(signer_file), "t/u/f") as signer:
        assert signer.sign("GET", "https://example.com/")["authorization"]
    with pytest.raises(oraclefn.InvalidArgumentError):
        signer.sign("GET", "https://example.com/")
