"""The oraclefn Python runtime for Oracle Functions: the container build context of the worker.

`write_build_context(folder)` writes a Dockerfile and everything it copies: the oraclefn package (the worker, and
the client half that a function uses to run jobs of its own, with the package's liboraclefn.so when it carries
one, as the wheel does) and the pinned requirements. `oraclefn runtime build` hands that folder to docker or
podman.
"""
from __future__ import annotations

import ctypes
import importlib.metadata
import json
import os
import pathlib
import shutil
import sys
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

if TYPE_CHECKING:
    from ..config import Config

#: Python versions the runtime image is made for; the client must run the same one (pickles do not move across).
PYTHON_VERSIONS = ("3.11", "3.12")

_HERE = pathlib.Path(__file__).resolve().parent
_PACKAGE = _HERE.parent
#: What the image leaves out of the package: the oraclefn tool and the native worker (the image runs the Python
#: worker; a function has no use for the emulator), and compiled caches.
_LEFT_OUT = ("__pycache__", "*.pyc", "oraclefn-cli", "oraclefn-fdk")
#: The worker's packages; cloudpickle is pinned to the client's version, whose pickles the worker must read.
_REQUIREMENTS = ("fdk", "oci")


def current_python() -> str:
    """major.minor of the running interpreter."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def write_build_context(folder: str | os.PathLike[str], python: str | None = None,
                        requirements: Iterable[str] = ()) -> pathlib.Path:
    """Writes the build context of the runtime image into `folder` (made if missing) and returns its path.

    `python` is "3.11" or "3.12" (default: the running interpreter's, which the image must match); `requirements`
    are extra pip requirements the job functions need (e.g. "numpy==2.1.0")."""
    python = python or current_python()
    if python not in PYTHON_VERSIONS:
        raise ValueError(
            f"the runtime image is made for Python {' or '.join(PYTHON_VERSIONS)}, not {python}; run the client "
            f"with one of them (pickled functions only load in the Python version that made them)")
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dockerfile = (_HERE / "Dockerfile").read_text()
    (folder / "Dockerfile").write_text(dockerfile.replace("ARG PYTHON_VERSION=3.12", f"ARG PYTHON_VERSION={python}"))
    (folder / "requirements.txt").write_text(
        "\n".join([f"cloudpickle=={importlib.metadata.version('cloudpickle')}", *_REQUIREMENTS,
                   *requirements]) + "\n")
    package = folder / "oraclefn"
    if package.exists():
        shutil.rmtree(package)
    # the whole package, so a function can make an executor of its own (nested jobs, Lithops' futures); it loads
    # liboraclefn.so only when it does, so a package without one (a source checkout) still serves as a worker
    shutil.copytree(_PACKAGE, package, ignore=shutil.ignore_patterns(*_LEFT_OUT))
    return folder


def default_runtime(python: str | None = None) -> str:
    """The default Python runtime's name: oraclefn-python-v312 for Python 3.12."""
    return "oraclefn-python-v" + (python or current_python()).replace(".", "")


def _runtime_call(export: Callable[..., object], config: Config, runtime: str | None,
                  options: Mapping[str, Any]) -> dict[str, Any]:
    from .. import _lib

    buf = _lib.Buf()
    export(ctypes.byref(buf), config.session.raw, _lib.encode(runtime, "runtime"), json.dumps(options).encode("utf-8"))
    answer: dict[str, Any] = json.loads(buf.take().decode("utf-8"))
    return answer


def resolve(config: Config, runtime: str | None = None) -> dict[str, Any]:
    """What a runtime (default: oracle_f.runtime, else this Python's default runtime) stands for, named by the
    library as `oraclefn runtime deploy` and Lithops name it, without deploying anything: a dict with "runtime",
    "image" (on an emulator the default runtime is its built-in image), "function" (its function's name at
    oracle_f.runtime_memory), "application" and "emulator"."""
    from .. import _lib

    return _runtime_call(_lib.lib.ofn_runtime_resolve, config, runtime, {"python": current_python()})


def deploy(config: Config, runtime: str | None = None, environment: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Deploys a runtime (see resolve()) as `oraclefn runtime deploy` does: its function in the runtime
    application (made when missing) with the memory and timeout of the oracle_f section and, when given,
    `environment` as its config; once ACTIVE, its worker is asked for its metadata. Returns the deployed runtime
    as a dict ("function", "function_id", "image", "metadata", ...). The image must exist: on Oracle Functions,
    `oraclefn runtime build` pushes it."""
    from .. import _lib

    options: dict[str, Any] = {"python": current_python()}
    if environment:
        options["environment"] = dict(environment)
    return _runtime_call(_lib.lib.ofn_runtime_deploy, config, runtime, options)


def emulator_environment() -> dict[str, str]:
    """The environment the emulator's Python runtime needs from this process: on the emulator the worker runs
    this interpreter (ORACLEFN_PYTHON), and must import this oraclefn (PYTHONPATH, first: the package may come
    from a checkout on this process's PYTHONPATH) and find the same library."""
    from .. import library_path

    package_parent = str(_HERE.parent.parent)
    paths = [package_parent] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
                                if p and os.path.realpath(p) != os.path.realpath(package_parent)]
    return {"ORACLEFN_LIBRARY": str(library_path), "PYTHONPATH": os.pathsep.join(paths)}
