"""oraclefn.FunctionExecutor: Lithops' executor API, run by the oraclefn engine.

Functions and arguments are cloudpickled on the client (docs/protocol.md, "Python jobs"), the engine fans the
calls out to the runtime function, and futures give back the results in call order. With no configuration at
all, the executor starts the embedded emulator and deploys the Python runtime there, so everything works offline.
"""
import atexit
import contextlib
import hashlib
import inspect
import itertools
import json
import os
import sys
import sysconfig
import threading
import time
import uuid

import cloudpickle

from . import emulator as embedded, errors, plots, progress, runtime
from .config import Config, load_config, locate_config, parse_config
from .engine import Engine
from .futures import ALL_COMPLETED, ANY_COMPLETED, ALWAYS, DeferredRun, FuturesList, JobRun, ResponseFuture, done_enough
from .storage import Storage
from .worker import calls

__all__ = ["ALL_COMPLETED", "ANY_COMPLETED", "ALWAYS", "FunctionExecutor"]

#: Overrides that belong to the `lithops` section; every other keyword goes to `oracle_f`, as in Lithops.
LITHOPS_KEYS = frozenset({"mode", "backend", "storage", "monitoring", "log_level", "data_cleaner", "retries",
                          "execution_timeout", "chunksize"})
#: A pickled function up to this size travels in every call; a larger one is stored once and referred to.
INLINE_FUNCTION_LIMIT = 8 * 1024
JOBS_PREFIX = "oraclefn.jobs/"
#: How long one round of waiting blocks on a job before the progress bar is redrawn.
WAIT_SLICE_SECONDS = 0.2

_SESSION = uuid.uuid4().hex[:6]
_EXECUTORS = itertools.count()
_PICKLE_BY_VALUE = threading.Lock()


class FunctionExecutor:
    """Runs Python functions on Oracle Functions (or the embedded emulator), as lithops.FunctionExecutor does.

    `config`: a complete configuration as a dict (Lithops' sections), or an oraclefn Config; `config_file`: a
    Lithops configuration file. Neither given and none found where Lithops looks: the embedded emulator.
    Keyword overrides go to the `oracle_f` section (`max_workers=10`, `runtime="my-image"`,
    `invoke_mode="sync"`), or to `lithops` for its keys (`log_level`, `data_cleaner`, ...).
    """

    def __init__(self, config=None, config_file=None, **overrides):
        self.config, self._emulator, calling_job = _resolve_config(config, config_file, overrides)
        self.executor_id = f"{_SESSION}-{next(_EXECUTORS)}"
        backend, storage = self.config["oracle_f"], self.config["oracle_oss"]
        #: the runtime, as Lithops' oracle_f.runtime: an image, or a name pushed to the tenancy's registry (or a
        #: function OCID, used as it is)
        self.runtime = backend.get("runtime") or runtime.default_runtime()
        #: the function the calls run in, found when the first job starts
        self.function = self.runtime if self.runtime.startswith("ocid1.fnfunc") else None
        if calling_job is not None:  # inside a function: its caller's function, deployed already
            self.function = calling_job["function"]
        self.bucket = storage.get("storage_bucket") or _default_bucket(self.config)
        self._mode = backend.get("invoke_mode", "detached")
        if self._mode not in ("detached", "sync"):
            raise errors.ConfigError(f"invoke_mode is \"{self._mode}\" in the \"oracle_f\" section; it must be "
                                     "\"detached\" (results through Object Storage) or \"sync\"")
        self._jobs_prefix = f"{JOBS_PREFIX}{self.executor_id}/"
        self._engine = Engine(self.config)
        self._storage = Storage(self.config)
        self._lock = threading.Lock()
        self._prepared = False
        self._stored_functions = set()
        self._cleaned = set()
        self._last_call = None
        #: every future this executor handed out, in submission order
        self.futures = []
        if self.config["lithops"].get("data_cleaner", True):
            atexit.register(self._clean_at_exit)

    def __repr__(self):
        return f"<FunctionExecutor {self.executor_id} runtime={self.runtime} bucket={self.bucket}>"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.config["lithops"].get("data_cleaner", True):
            self.clean()

    # -- submitting ----------------------------------------------------------------------------------------------

    def map(self, map_function, map_iterdata, chunksize=None, extra_args=None, timeout=None):
        """Calls `map_function` once per item of `map_iterdata`: a tuple item gives the positional arguments, a
        dict the keyword arguments, anything else the one argument; `extra_args` (a tuple or a dict) is added to
        every call. `chunksize`: calls per invocation; `timeout`: seconds one invocation may take before it
        counts as lost and is sent again. Returns the futures, in call order."""
        bound = [_bind(map_function, item, extra_args) for item in _items(map_iterdata)]
        futures = self._submit(map_function, bound, chunksize=chunksize, timeout=timeout)
        self._last_call = "map"
        return FuturesList(futures, self)

    def call_async(self, func, data, extra_args=None, timeout=None):
        """Calls `func` once with `data` (bound as a map item is); returns its future."""
        (future,) = self._submit(func, [_bind(func, data, extra_args)], timeout=timeout)
        self._last_call = "call_async"
        return future

    def map_reduce(self, map_function, map_iterdata, reduce_function, chunksize=None, extra_args=None,
                   timeout=None):
        """map(), then `reduce_function(results)` in a function once every map call has ended, with their
        results in call order. Returns the map futures and the reducer's last; get_result() gives the
        reducer's result (or the first map call's exception)."""
        bound = [_bind(map_function, item, extra_args) for item in _items(map_iterdata)]
        mapped = self._submit(map_function, bound, chunksize=chunksize, timeout=timeout, produce_output=False)
        deferred = DeferredRun(time.time())
        reducer = ResponseFuture(deferred, 0, self.executor_id)
        with self._lock:
            self.futures.append(reducer)

        def reduce_when_mapped():
            try:
                results = [future.result() for future in mapped]
                deferred.start(self._start_job(reduce_function, [((results,), {})], chunksize=None, timeout=timeout))
            except BaseException as error:  # the map's exception, or why the reducer could not start
                deferred.fail(error)

        threading.Thread(target=reduce_when_mapped, name=f"oraclefn-reduce-{self.executor_id}", daemon=True).start()
        self._last_call = "map_reduce"
        return FuturesList([*mapped, reducer], self)

    def _submit(self, func, bound, chunksize=None, timeout=None, produce_output=True):
        if not bound:
            return []
        run = self._start_job(func, bound, chunksize, timeout)
        futures = [ResponseFuture(run, index, self.executor_id, produce_output) for index in range(len(bound))]
        with self._lock:
            self.futures.extend(futures)
        return futures

    def _start_job(self, func, bound, chunksize, timeout):
        if not callable(func):
            raise TypeError(f"the function to run must be callable, not {type(func).__name__}")
        self._prepare()
        created = time.time()
        with _pickled_by_value(func):
            reference = self._function_reference(calls.pickle_function(func))
            inputs = [calls.encode_call(reference, args, kwargs) for args, kwargs in bound]
        options = {"mode": self._mode, "bucket": self.bucket, "jobs_prefix": self._jobs_prefix,
                   "chunksize": chunksize or self.config["lithops"].get("chunksize"), "call_timeout": timeout}
        job = self._engine.map(self.function, inputs, **options)
        return JobRun(job, created)

    def _prepare(self):
        """Once per executor: the bucket, and the runtime's function, deployed when on an emulator (on Oracle
        Functions, `oraclefn runtime deploy` does it, as `lithops runtime deploy` does)."""
        with self._lock:
            if self._prepared:
                return
            with contextlib.suppress(errors.ConflictError):  # it exists already
                self._storage.create_bucket(self.bucket)
            if self.function is None:
                # oracle_f.runtime, else the default runtime (on an emulator, its built-in image)
                resolved = runtime.resolve(self.config)
                if resolved["emulator"]:
                    # the embedded emulator runs the worker in this interpreter, importing this oraclefn
                    environment = runtime.emulator_environment() if self._emulator is not None else None
                    runtime.deploy(self.config, environment=environment)
                self.function = resolved["function"]
            self._prepared = True

    def _function_reference(self, pickled):
        job = {"config": _config_for_functions(self.config, self.bucket), "function": self.function}
        if len(pickled) <= INLINE_FUNCTION_LIMIT:
            return calls.inline_function(pickled, job)
        name = f"{self._jobs_prefix}func-{hashlib.sha256(pickled).hexdigest()}.pickle"
        with self._lock:
            stored = name in self._stored_functions
        if not stored:
            self._storage.put_object(self.bucket, name, pickled)
            with self._lock:
                self._stored_functions.add(name)
        return calls.stored_function(name, pickled, job)

    # -- waiting -------------------------------------------------------------------------------------------------

    def wait(self, fs=None, throw_except=True, return_when=ALL_COMPLETED, download_results=False, timeout=None,
             show_progressbar=True):
        """Waits for the futures `fs` (default: all of this executor's) until `return_when`: ALWAYS (check once),
        ANY_COMPLETED, ALL_COMPLETED or a percentage of them. Returns (done, not_done). Raises TimeoutError when
        `timeout` seconds pass first, and with `throw_except` the first exception of a done call."""
        futures = self._futures_of(fs)
        runs = {}
        for future in futures:
            runs[future._run] = runs.get(future._run, 0) + 1
        deadline = None if timeout is None else time.monotonic() + timeout
        bar = progress.progress_bar(len(futures), enabled=show_progressbar)
        try:
            while True:
                # a finished job's futures are all done; in a running one, each call counts as it ends
                finished = {run for run in runs if run.wait(0)}
                ended = {f for f in futures if f._run in finished or f.done()}
                done = len(ended)
                bar.update(done)
                if done_enough(return_when, done, len(futures)):
                    break
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise errors.TimeoutError(
                        f"{len(futures) - done} of {len(futures)} calls have not ended after {timeout} s; wait "
                        "longer, or pass timeout=None")
                pending = next(run for run in runs if run not in finished)
                pending.wait(WAIT_SLICE_SECONDS if remaining is None else min(WAIT_SLICE_SECONDS, remaining))
        finally:
            bar.close()
        done_futures = [f for f in futures if f in ended]
        not_done = [f for f in futures if f not in ended]
        if throw_except:
            for future in done_futures:
                if future.error:
                    raise future.exception(0)
        if download_results:
            for future in done_futures:
                future.error  # decodes the result now, while the caller waits anyway
        return FuturesList(done_futures, self), FuturesList(not_done, self)

    def get_result(self, fs=None, throw_except=True, timeout=None, show_progressbar=True):
        """The results of the futures `fs` (default: those not read yet), in call order, waiting for them. A
        single result comes back alone when `fs` is one future, or when the last call was not a map."""
        single = isinstance(fs, ResponseFuture)
        futures = [fs] if single else (list(fs) if fs is not None else [f for f in self.futures if not f._read])
        self.wait(futures, throw_except=throw_except, return_when=ALL_COMPLETED, download_results=True,
                  timeout=timeout, show_progressbar=show_progressbar)
        results = [f.result(throw_except=throw_except) for f in futures if f.produce_output]
        for future in futures:
            future._read = True
        if single or (len(results) == 1 and self._last_call != "map"):
            return results[0]
        return results

    def _futures_of(self, fs):
        if fs is None:
            with self._lock:
                return list(self.futures)
        return [fs] if isinstance(fs, ResponseFuture) else list(fs)

    # -- after the calls -----------------------------------------------------------------------------------------

    def logs(self, fs=None):
        """What the ended calls of `fs` (default: all) printed, each under a line naming the call."""
        parts = []
        for future in self._futures_of(fs):
            if future.done() and future.logs:
                parts.append(f"--- {future.executor_id}/{future.job_id}/{future.call_id}\n{future.logs}")
        return "".join(part if part.endswith("\n") else part + "\n" for part in parts)

    def plot(self, fs=None, dst=None):
        """Writes `<dst>_timeline.png` and `<dst>_histogram.png` (default dst: plots/<epoch>) for the calls of
        `fs` (default: all) that ended with a result; returns their paths."""
        futures = [f for f in self._futures_of(fs) if f.done() and not f.error]
        if not futures:
            raise ValueError("there is no call with a result to plot yet; wait for the calls first")
        stats = [f.stats for f in futures]
        prefix = plots.destination(dst)
        return [plots.create_timeline(stats, prefix), plots.create_histogram(stats, prefix)]

    def clean(self, fs=None):
        """Deletes the objects (inputs, statuses, outputs, stored functions) of the finished jobs of `fs`
        (default: all of this executor's) from the bucket. Jobs still running are left alone."""
        futures = self._futures_of(fs)
        runs = {f._run for f in futures if f._run.id is not None}
        finished = {run for run in runs if run.wait(0)} - self._cleaned
        everything_ended = fs is None and all(f.done() for f in futures)
        if everything_ended and (finished or self._stored_functions):
            self._delete_prefix(self._jobs_prefix)
            with self._lock:
                self._stored_functions.clear()
        else:
            for run in finished:
                self._delete_prefix(f"{self._jobs_prefix}{run.id}/")
        self._cleaned |= finished

    def _delete_prefix(self, prefix):
        self._storage.delete_objects(self.bucket, self._storage.list_keys(self.bucket, prefix))

    def _clean_at_exit(self):
        try:
            self.clean()
        except errors.OracleFnError as error:
            print(f"oraclefn: the objects of executor {self.executor_id} were not cleaned: {error}", file=sys.stderr)


def _resolve_config(config, config_file, overrides):
    """(Config, the embedded emulator or None, the calling job or None) for the executor's arguments. Inside a
    function, no arguments mean the configuration of the job that called it, signed with the function's
    resource principal."""
    sections = {}
    for key, value in overrides.items():
        sections.setdefault("lithops" if key in LITHOPS_KEYS else "oracle_f", {})[key] = value
    if isinstance(config, Config):
        if overrides:
            raise TypeError("keyword overrides cannot change a loaded Config; pass the configuration as a dict or a "
                            "file instead, or load it with oraclefn.load_config(path, oracle_f={...})")
        return config, None, None
    if isinstance(config, dict):
        return parse_config(json.dumps(config), **sections), None, None
    if config is not None:
        raise TypeError(f"config must be a dict of configuration sections or an oraclefn Config, not "
                        f"{type(config).__name__}; pass a file path as config_file=")
    calling_job = os.environ.get(calls.JOB_VARIABLE) if config_file is None else None
    if calling_job:
        job = json.loads(calling_job)
        return parse_config(json.dumps(job["config"]), **sections), None, job
    if config_file is None and locate_config() is None:
        running = embedded.shared()
        return load_config(running.config_file, **sections), running, None
    return load_config(config_file, **sections), None, None


def _config_for_functions(config, bucket):
    """What a function needs to run jobs of its own where this one runs: the account's non-secret keys, the
    endpoints, the runtime and the bucket, with the function's resource principal to sign (no key travels)."""
    def picked(section, keys):
        return {key: config[section][key] for key in keys if config[section].get(key) is not None}
    return {
        "lithops": picked("lithops", ("log_level", "monitoring_interval", "execution_timeout", "data_limit",
                                      "data_cleaner", "retries", "chunksize")),
        "oracle": {"auth": "resource_principal",
                   **picked("oracle", ("region", "compartment_id", "tenancy_namespace", "user", "tenancy"))},
        "oracle_f": picked("oracle_f", ("subnet_id", "endpoint", "runtime", "application_name", "max_workers",
                                        "runtime_memory", "runtime_timeout", "invoke_mode")),
        "oracle_oss": {**picked("oracle_oss", ("endpoint",)), "storage_bucket": bucket},
    }


def _default_bucket(config):
    """Lithops' default bucket name, for oraclefn: oraclefn-<region>-<7 characters of the user OCID> (of the
    compartment's, for credentials without a user)."""
    user = config["oracle"].get("user") or config["oracle"]["compartment_id"]
    return f"oraclefn-{config['oracle']['region']}-{user[-8:-1]}"


def _items(iterdata):
    if isinstance(iterdata, (str, bytes, dict)):
        raise TypeError(f"map_iterdata must be an iterable of items (a list, range, ...), not a "
                        f"{type(iterdata).__name__}; wrap a single item in a list")
    return list(iterdata)


def _bind(func, item, extra_args):
    """(args, kwargs) of one call, as Lithops binds an item: a tuple is positional arguments, a dict keyword
    arguments, anything else the one argument; extra_args are appended. Checked against the function's
    signature, so a mismatch fails here rather than in every function."""
    if isinstance(item, tuple):
        args, kwargs = item, {}
    elif isinstance(item, dict):
        args, kwargs = (), dict(item)
    else:
        args, kwargs = (item,), {}
    if isinstance(extra_args, (tuple, list)):
        args = (*args, *extra_args)
    elif isinstance(extra_args, dict):
        kwargs = {**kwargs, **extra_args}
    elif extra_args is not None:
        raise TypeError(f"extra_args must be a tuple or a dict, not {type(extra_args).__name__}")
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return args, kwargs
    try:
        signature.bind(*args, **kwargs)
    except TypeError as error:
        raise TypeError(f"{getattr(func, '__name__', func)!s}{signature} cannot be called with the item "
                        f"{item!r}: {error}") from None
    return args, kwargs


def _installed_paths():
    paths = {sysconfig.get_paths()[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    return tuple(os.path.realpath(p) + os.sep for p in paths)


def _needs_shipping(module):
    """Whether a module lives outside the interpreter's installation (the user's own code), so a function's
    worker cannot import it and it must travel by value."""
    path = getattr(module, "__file__", None)
    if module is None or module.__name__ == "__main__" or not path:
        return False
    return not os.path.realpath(path).startswith(_installed_paths())


@contextlib.contextmanager
def _pickled_by_value(func):
    """While pickling a job: the user's module the function comes from travels by value (cloudpickle would
    otherwise refer to it by name, and the worker has no copy of it)."""
    target = getattr(func, "func", func)  # functools.partial
    name = getattr(target, "__module__", None) or ""
    module = sys.modules.get(name.split(".")[0])
    with _PICKLE_BY_VALUE:
        ship = _needs_shipping(module) and module.__name__ not in cloudpickle.list_registry_pickle_by_value()
        if ship:
            cloudpickle.register_pickle_by_value(module)
        try:
            yield
        finally:
            if ship:
                cloudpickle.unregister_pickle_by_value(module)
