"""Lithops on oraclefn: `import lithops` resolves to oraclefn's API, for programs written for Lithops 3.8.0.

    import oraclefn.lithops
    oraclefn.lithops.install()      # once, at start-up, before `import lithops` (as pymysql.install_as_MySQLdb())

    import lithops
    fexec = lithops.FunctionExecutor()
    fexec.map(f, range(10))
    print(fexec.get_result())

or, without changing the program: `python -m oraclefn.lithops program.py [args]` (also `-m module [args]`).

install() puts this package in sys.modules under the name `lithops`, and its modules under Lithops' names
(lithops.executors, lithops.config, lithops.constants, lithops.utils, lithops.wait, lithops.future,
lithops.retries, lithops.storage, lithops.storage.utils, lithops.concurrent, lithops.version). Lithops' own
test suite (`lithops.tests`), when Lithops is installed, is read from the installed package. Any other
`lithops.*` module is Lithops' own (its backends, its CLI) and is refused with an ImportError saying so.

This module imports nothing heavy: a function that refers to `lithops` pickles it as `oraclefn.lithops`, which
the worker imports; the library is loaded on first use of an executor.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from typing import TYPE_CHECKING, Any, Iterable, Sequence

#: The Lithops version whose API this package follows.
LITHOPS_VERSION = "3.8.0"
__version__ = LITHOPS_VERSION

#: Lithops' module names this package provides, and the modules that provide them.
MODULES = {
    "lithops.version": "oraclefn.lithops.version",
    "lithops.constants": "oraclefn.lithops.constants",
    "lithops.utils": "oraclefn.lithops.utils",
    "lithops.config": "oraclefn.lithops.config",
    "lithops.storage": "oraclefn.lithops.storage",
    "lithops.storage.utils": "oraclefn.lithops.storage.utils",
    "lithops.future": "oraclefn.lithops.future",
    "lithops.wait": "oraclefn.lithops.wait",
    "lithops.executors": "oraclefn.lithops.executors",
    "lithops.retries": "oraclefn.lithops.retries",
    "lithops.concurrent": "oraclefn.lithops.concurrent",
    "lithops.concurrent.futures": "oraclefn.lithops.concurrent.futures",
}

# name -> module of this package that defines it; imported on first access
_LAZY = {
    "FunctionExecutor": "executors", "LocalhostExecutor": "executors", "ServerlessExecutor": "executors",
    "StandaloneExecutor": "executors", "RetryingFunctionExecutor": "retries", "Storage": "storage",
    "wait": "wait", "get_result": "wait",
}

if TYPE_CHECKING:  # what the lazy names are, for type checkers (at run time __getattr__ imports them)
    from .executors import FunctionExecutor, LocalhostExecutor, ServerlessExecutor, StandaloneExecutor
    from .retries import RetryingFunctionExecutor
    from .storage import Storage
    from .wait import get_result, wait

__all__ = ["FunctionExecutor", "LocalhostExecutor", "ServerlessExecutor", "StandaloneExecutor",
           "RetryingFunctionExecutor", "Storage", "wait", "get_result", "__version__", "install", "uninstall",
           "installed"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    elif f"lithops.{name}" in MODULES:
        value = importlib.import_module(MODULES[f"lithops.{name}"])
    else:
        raise AttributeError(f"module 'lithops' (oraclefn.lithops) has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Finder(importlib.abc.MetaPathFinder):
    """Finds `lithops.tests*` in the installed Lithops (its test suite runs on this package), and refuses the
    rest of Lithops' modules with a message that says why."""

    def __init__(self, lithops_locations: Iterable[str]) -> None:
        self.lithops_locations = list(lithops_locations)

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: types.ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != "lithops" and not fullname.startswith("lithops."):
            return None
        if sys.modules.get("lithops") is not sys.modules.get(__name__):
            return None  # uninstalled
        if fullname in MODULES:
            return importlib.machinery.ModuleSpec(fullname, _Alias(MODULES[fullname]),
                                                  is_package=fullname in ("lithops.storage", "lithops.concurrent"))
        if fullname == "lithops.tests" or fullname.startswith("lithops.tests."):
            if fullname == "lithops.tests":
                path = self.lithops_locations
            spec = importlib.machinery.PathFinder.find_spec(fullname, path) if path else None
            if spec is None:
                raise ModuleNotFoundError(
                    f"No module named {fullname!r}: Lithops' test suite is read from the installed lithops package "
                    "(pip install lithops==3.8.0), which was not found", name=fullname)
            return spec
        raise ModuleNotFoundError(
            f"No module named {fullname!r}: `import lithops` gives oraclefn's Lithops API "
            "(oraclefn.lithops.install()), which provides " + ", ".join(sorted(MODULES)) + "; "
            f"{fullname} is part of Lithops itself (its backends and tools), which does not run here",
            name=fullname)


class _Alias(importlib.abc.Loader):
    """Loads a Lithops module name as the oraclefn module that provides it (the same module object)."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: types.ModuleType) -> None:
        pass


_finder: _Finder | None = None
_saved: dict[str, types.ModuleType] = {}


def installed() -> bool:
    """Whether `import lithops` gives this package."""
    return sys.modules.get("lithops") is sys.modules[__name__]


def install() -> None:
    """Makes `import lithops` (and lithops.executors, lithops.storage.utils, ...) give oraclefn's Lithops API.
    Call it once at start-up, before anything imports lithops; idempotent. A Lithops already imported is put
    aside (uninstall() brings it back)."""
    global _finder
    if installed():
        return
    for name in list(sys.modules):
        if name == "lithops" or name.startswith("lithops."):
            _saved[name] = sys.modules.pop(name)
    real = importlib.machinery.PathFinder.find_spec("lithops")
    locations = list(real.submodule_search_locations or ()) if real is not None else []
    _finder = _Finder(locations)
    sys.meta_path.insert(0, _finder)
    sys.modules["lithops"] = sys.modules[__name__]
    for name, target in MODULES.items():
        sys.modules[name] = importlib.import_module(target)
    module = sys.modules[__name__]
    for name in _LAZY:  # as Lithops' __init__: lithops.wait is the function (the module is sys.modules')
        setattr(module, name, getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name))


def uninstall() -> None:
    """Undoes install(): `import lithops` gives whatever it gave before."""
    global _finder
    if _finder is not None and _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    _finder = None
    for name in list(sys.modules):
        if name == "lithops" or name.startswith("lithops."):
            del sys.modules[name]
    sys.modules.update(_saved)
    _saved.clear()
