"""The public Python API is documented and typed: every public class, exception, function and method has a
docstring, and the package passes `mypy --strict`."""
import importlib
import importlib.util
import inspect
import os
import pathlib
import re
import subprocess
import sys

import pytest

import oraclefn
import oraclefn.lithops

PACKAGE = pathlib.Path(oraclefn.__file__).resolve().parent

#: The modules whose names users import: the package itself, its public submodules, and the modules behind
#: Lithops' names (`import lithops` after oraclefn.lithops.install()).
PUBLIC_MODULES = sorted({"oraclefn", "oraclefn.concurrent", "oraclefn.partitioner", "oraclefn.lithops",
                         *oraclefn.lithops.MODULES.values()})


def public_names(module):
    """What `from module import *` gives, or, without an __all__, the module's own names not starting with _."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name, value in vars(module).items()
                 if not name.startswith("_") and getattr(value, "__module__", None) == module.__name__]
    return names


def own_doc(obj):
    """The docstring written on `obj` itself (inspect.getdoc would lend a class its base's)."""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return (doc or "").strip()


def public_members(cls):
    """(name, function) for the public methods and properties a class of oraclefn defines itself."""
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        elif isinstance(value, property):
            value = value.fget
        if inspect.isfunction(value):
            yield name, value


def undocumented(module_name):
    module = importlib.import_module(module_name)
    missing = []
    for name in public_names(module):
        obj = getattr(module, name)
        if not (inspect.isclass(obj) or callable(obj)) or not getattr(obj, "__module__", "").startswith("oraclefn"):
            continue  # constants, and names kept from the standard library (concurrent.futures' wait, ...)
        where = f"{module_name}.{name}"
        if not own_doc(obj):
            missing.append(where)
        if inspect.isclass(obj):
            missing += [f"{where}.{member}" for member, function in public_members(obj) if not own_doc(function)]
    return missing


def test_public_modules_are_found():
    assert "oraclefn.lithops.executors" in PUBLIC_MODULES
    assert "FunctionExecutor" in public_names(importlib.import_module("oraclefn"))


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_public_object_has_a_docstring(module_name):
    missing = undocumented(module_name)
    assert not missing, "public objects without a docstring: " + ", ".join(sorted(set(missing)))


def test_the_docstring_check_finds_what_is_missing():
    """The check above sees a method, a property and a class without docstrings, and an inherited class doc."""
    class Documented:
        """Has a docstring."""

    class Bare(Documented):
        def method(self):
            pass

        @property
        def value(self):
            return 1

    assert own_doc(Documented) and not own_doc(Bare)
    assert sorted(name for name, function in public_members(Bare) if not own_doc(function)) == ["method", "value"]


def mypy_command():
    """mypy from the interpreter running the tests (scripts/requirements-test.txt installs it)."""
    if importlib.util.find_spec("mypy") is None:
        pytest.fail("mypy is not installed: pip install -r scripts/requirements-test.txt")
    return [sys.executable, "-m", "mypy"]


def run_mypy(tmp_path, *arguments):
    project = PACKAGE.parent
    return subprocess.run([*mypy_command(), "--strict", "--config-file", str(project / "pyproject.toml"),
                           "--cache-dir", str(tmp_path / "cache"), *arguments],
                          cwd=project, capture_output=True, text=True, env={**os.environ, "MYPYPATH": str(project)})


def test_the_package_passes_mypy_strict(tmp_path):
    """`mypy --strict` over the whole package, with the settings of bindings/python/pyproject.toml ([tool.mypy]:
    only the untyped third-party modules the package imports are taken as Any)."""
    done = run_mypy(tmp_path, "-p", "oraclefn")
    assert done.returncode == 0, done.stdout + done.stderr


USER_PROGRAM = """
import oraclefn
from oraclefn import FunctionExecutor, Storage

def double(x: int) -> int:
    return 2 * x

with FunctionExecutor() as fexec:
    futures = fexec.map(double, [1, 2])
    reveal_type(futures)
    reveal_type(futures[0].result())
    reveal_type(fexec.call_async(double, 3))
    reveal_type(fexec.wait(futures))
storage = Storage()
reveal_type(storage.get_object("bucket", "key"))
reveal_type(storage.get_object("bucket", "key", stream=True))
reveal_type(oraclefn.load_config())
reveal_type(oraclefn.CallTimeoutError("late").http_status)
"""


def test_a_user_program_sees_the_types_not_any(tmp_path):
    """The names __getattr__ imports lazily are typed for a program that uses them (not Any), and misuse is
    reported: the hints reach the package's users."""
    program = tmp_path / "program.py"
    program.write_text(USER_PROGRAM + 'oraclefn.Storage().put_object("bucket", "key", 42)\n')
    done = run_mypy(tmp_path, str(program))
    # mypy versions differ in how they spell the standard library's types (bytes or builtins.bytes; a newer
    # typeshed's BufferedReader is generic in its raw stream)
    revealed = [re.sub(r"\b(builtins|_io|io)\.|(?<=BufferedReader)\[.*\]$", "",
                       line.split("Revealed type is ", 1)[1].strip('"'))
                for line in done.stdout.splitlines() if "Revealed type is" in line]
    assert revealed == [
        "oraclefn.futures.FuturesList", "Any", "oraclefn.futures.ResponseFuture",
        "tuple[oraclefn.futures.FuturesList, oraclefn.futures.FuturesList]", "bytes", "BufferedReader",
        "oraclefn.config.Config", "int"], done.stdout
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and 'Argument 3 to "put_object" of "Storage" has incompatible type "int"' in errors[0], \
        done.stdout
