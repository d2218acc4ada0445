"""The oraclefn Python runtime for Oracle Functions: the container build context of the worker.

`write_build_context(folder)` writes a Dockerfile and everything it copies: the worker package and the pinned
requirements. `oraclefn runtime build` hands that folder to docker or podman.
"""
import importlib.metadata
import pathlib
import shutil
import sys

#: Python versions the runtime image is made for; the client must run the same one (pickles do not move across).
PYTHON_VERSIONS = ("3.11", "3.12")

_HERE = pathlib.Path(__file__).resolve().parent
_WORKER = _HERE.parent / "worker"
#: The worker's packages; cloudpickle is pinned to the client's version, whose pickles the worker must read.
_REQUIREMENTS = ("fdk", "oci")


def current_python():
    """major.minor of the running interpreter."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def write_build_context(folder, python=None, requirements=()):
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
    shutil.copytree(_WORKER, package / "worker", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (package / "__init__.py").write_text(
        '"""oraclefn as installed in its runtime image: the worker only (oraclefn.worker)."""\n'
        f"__version__ = {importlib.metadata.version('oraclefn')!r}\n")
    return folder


#: The application the runtime function is deployed in, unless told otherwise (or oracle_f.application_name).
APPLICATION = "oraclefn"


def function_name(python=None):
    """The runtime function's default name for a Python version: oraclefn-python312 for 3.12."""
    return "oraclefn-python" + (python or current_python()).replace(".", "")


def image_name(python=None):
    """The runtime image: on the emulator, the built-in that runs this worker; on Oracle Functions, the name
    `oraclefn runtime build` pushes under the registry (docker_server/namespace)."""
    return f"oraclefn/python:{python or current_python()}"


def deploy(config, name=None, image=None, application=None, environment=None):
    """Makes sure function `name` (default function_name()) exists in `application` (default oracle_f's
    application_name, else "oraclefn"; made when missing) with `image` (default image_name()), the memory and
    timeout of the configuration's oracle_f section and `environment` as its config; returns the function's
    OCID. `config` is an oraclefn Config."""
    from ..services import Functions, OCIClient

    client = OCIClient(config)
    try:
        functions = Functions(client)
        section = config["oracle_f"]
        application = application or section.get("application_name") or APPLICATION
        return functions.function(functions.application(application), name or function_name(), image or image_name(),
                                  section["runtime_memory"], section["runtime_timeout"], environment)
    finally:
        client.close()


def emulator_environment():
    """The environment the emulator's Python runtime needs from this process: on the emulator the worker runs
    in this interpreter, importing this oraclefn, which must find the same library."""
    from .. import library_path

    return {"ORACLEFN_LIBRARY": str(library_path)}
