"""The public Python API is documented and typed: every public class, exception, function and method has a
docstring, and the package passes `mypy --strict`."""
import importlib
import inspect
import os
import pathlib
import shutil
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


def test_the_package_passes_mypy_strict(tmp_path):
    """`mypy --strict` over the whole package, with the settings in bindings/python/pyproject.toml ([tool.mypy]:
    only the untyped third-party modules the package imports are taken as Any)."""
    project = PACKAGE.parent
    done = subprocess.run([*mypy_command(), "--strict", "--config-file", str(project / "pyproject.toml"),
                           "--cache-dir", str(tmp_path / "cache"), "-p", "oraclefn"],
                          cwd=project, capture_output=True, text=True,
                          env={**os.environ, "MYPYPATH": ""})
    assert done.returncode == 0, done.stdout + done.stderr
