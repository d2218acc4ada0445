"""The oraclefn Python runtime for Oracle Functions: the container build context of the worker.

`write_build_context(folder)` writes a Dockerfile and everything it copies: the worker package and the pinned
requirements. `oraclefn runtime build` hands that folder to docker or podman.
"""
import hashlib
import importlib.metadata
import pathlib
import re
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


#: Lithops lists only runtime functions whose name starts with this.
FUNCTION_PREFIX = "lithops-worker"


def default_runtime(python=None):
    """The default Python runtime's name: oraclefn-python-v312 for Python 3.12."""
    return "oraclefn-python-v" + (python or current_python()).replace(".", "")


def emulator_image(python=None):
    """The emulator's built-in image that runs this worker (docs/emulator.md)."""
    return f"oraclefn/python:{python or current_python()}"


def registry_image(runtime, docker_server, namespace):
    """The image of a runtime on Oracle Functions: a name with a `/` is an image already; any other is pushed to
    the tenancy's registry, `<docker_server>/<namespace>/<name>`; without a tag, `:latest`."""
    image = runtime if "/" in runtime else f"{docker_server}/{namespace}/{runtime}"
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last or "@" in last else image + ":latest"


def application_name(config):
    """oracle_f.application_name, else Lithops' `lithops_` and seven characters of the user OCID."""
    section = config["oracle_f"]
    return section.get("application_name") or "lithops_" + section["user"][-8:-1].lower()


def function_name(image, memory, version, user):
    """Lithops' name for the function of an image, memory and version: `lithops-worker-<image's last part>-v<version>-
    <first 10 hex digits of SHA-1 of "<image>-<memory>-<version>-<user>">`, characters OCI refuses made `-`. The
    `oraclefn runtime deploy` command names runtimes the same way, so either finds what the other deployed."""
    digest = hashlib.sha1(f"{image}-{memory}-{version}-{user}".encode()).hexdigest()[:10]
    last = image.rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_-]", "-", f"{FUNCTION_PREFIX}-{last}-v{version}") + "-" + digest


def resolve(config, runtime=None):
    """(function name, image, on an emulator) of a runtime (default: oracle_f.runtime, else default_runtime()),
    named as `oraclefn runtime deploy` names it: on an emulator the default runtime is its built-in image."""
    from .. import __version__
    from ..functions import Functions
    from ..storage import Storage

    section = config["oracle_f"]
    runtime = runtime or section.get("runtime") or default_runtime()
    with Functions(config) as functions:
        emulated = functions.is_emulator()
    if emulated and runtime == default_runtime():
        image = emulator_image()
    else:
        with Storage(config) as storage:
            image = registry_image(runtime, section["docker_server"], storage.namespace())
    return function_name(image, section["runtime_memory"], __version__, section["user"]), image, emulated


def deploy(config, runtime=None, environment=None):
    """Makes sure the function of a runtime (see resolve()) exists in application_name() (made when missing), with
    the memory and timeout of the configuration's oracle_f section and, when given, `environment` as its config;
    returns the function's name once it is ACTIVE. The image must exist: on Oracle Functions, `oraclefn runtime
    build` pushes it."""
    from .. import __version__
    from ..functions import Functions

    section = config["oracle_f"]
    name, image, _ = resolve(config, runtime)
    tags = {"type": "lithops-runtime", "lithops_version": __version__,
            "oraclefn_runtime": runtime or section.get("runtime") or default_runtime()}
    with Functions(config) as functions:
        application = functions.ensure_application(application_name(config))
        functions.deploy_function(application["id"], name, image, section["runtime_memory"], section["runtime_timeout"],
                                  environment, tags)
    return name


def emulator_environment():
    """The environment the emulator's Python runtime needs from this process: on the emulator the worker runs
    in this interpreter, importing this oraclefn, which must find the same library."""
    from .. import library_path

    return {"ORACLEFN_LIBRARY": str(library_path)}
