"""oraclefn.FunctionExecutor: Lithops' executor API (3.8.0), run by the oraclefn engine.

Functions and arguments are cloudpickled on the client (docs/protocol.md, "Python jobs"), the engine fans the
calls out to the runtime function, and futures give back the results in call order. With no configuration at
all, the executor starts the embedded emulator and deploys the Python runtime there, so everything works offline.
"""
from __future__ import annotations

import atexit
import contextlib
import csv
import datetime
import hashlib
import itertools
import json
import logging
import os
import re
import sys
import threading
import time
import uuid
from typing import Any, Callable, Iterable, Mapping, NoReturn, Optional, Sequence, Union

from . import emulator as embedded, errors, plots, runtime, serialize
from . import futures as futures_module
from .binding import bind_items, chained_futures, is_object_processing_function, iterdata_items, prepare_args, \
    verify_args
from .config import Config, load_config, locate_config, parse_config
from .engine import Engine
from .futures import ALL_COMPLETED, ANY_COMPLETED, ALWAYS, THREADPOOL_SIZE, DeferredRun, FuturesList, JobInfo, \
    JobRun, ResponseFuture, Run
from .storage import Storage
from .worker import calls
from .worker.objects import CloudObject

__all__ = ["ALL_COMPLETED", "ANY_COMPLETED", "ALWAYS", "FunctionExecutor"]

logger = logging.getLogger(__name__)

#: Overrides that belong to the `lithops` section; every other keyword goes to `oracle_f`, as in Lithops.
LITHOPS_KEYS = frozenset({"mode", "backend", "storage", "monitoring", "log_level", "data_cleaner", "retries",
                          "execution_timeout", "chunksize", "include_modules", "exclude_modules", "data_limit",
                          "monitoring_interval"})
#: A pickled function up to this size travels in every call; a larger one is stored once and referred to.
INLINE_FUNCTION_LIMIT = 8 * 1024
JOBS_PREFIX = "oraclefn.jobs/"
#: How long clean(force=True) waits for a cancelled job to stop before deleting its objects.
FORCE_CLEAN_SECONDS = 30
#: How long one round of waiting blocks on a job before the progress bar is redrawn.
WAIT_SLICE_SECONDS = futures_module.WAIT_SLICE_SECONDS
#: Oracle Functions' list prices (USD), for job_summary(): per million invocations, per GB-second.
PRICE_PER_MILLION_INVOCATIONS = 0.20
PRICE_PER_GB_SECOND = 0.00001417

#: The futures a method works on: one, several, or None for every future of the executor.
Futures = Union[ResponseFuture, Iterable[ResponseFuture], None]
#: The modules that travel by value with a job's function (include_modules=, exclude_modules=); None: none.
Modules = Optional[Sequence[str]]
#: What is added to every item's arguments: a tuple (positional) or a dict (keyword).
ExtraArgs = Union[tuple[Any, ...], dict[str, Any], None]

_SESSION = uuid.uuid4().hex[:6]
_EXECUTORS = itertools.count()

# kept under their former names, which tests and users reach for
_needs_shipping = serialize.needs_shipping
_pickled_by_value = serialize.pickled_by_value


class FunctionExecutor:
    """Runs Python functions on Oracle Functions (or the embedded emulator), as lithops.FunctionExecutor does.

    `config`: a complete configuration as a dict (Lithops' sections), or an oraclefn Config; `config_file`: a
    Lithops configuration file. Neither given and none found where Lithops looks: the embedded emulator; inside
    a function: the configuration of the job that called it. Keyword overrides go to the `oracle_f` section
    (`max_workers=10`, `runtime="my-image"`, `invoke_mode="sync"`), or to `lithops` for its keys (`log_level`,
    `data_cleaner`, `mode`, `backend`, `storage`, `monitoring`, ...); None leaves a key as configured.
    """

    def __init__(self, config: Config | Mapping[str, Any] | None = None,
                 config_file: str | os.PathLike[str] | None = None, **overrides: Any) -> None:
        overrides = {key: value for key, value in overrides.items()
                     if value is not None and not (key == "log_level" and value is False)}
        self._config_source = (config, config_file, dict(overrides))
        self.config, self._emulator, calling_job = _resolve_config(config, config_file, overrides)
        self.executor_id = f"{_SESSION}-{next(_EXECUTORS)}"
        backend, storage = self.config["oracle_f"], self.config["oracle_oss"]
        #: the runtime, as Lithops' oracle_f.runtime: an image, or a name pushed to the tenancy's registry (or a
        #: function OCID, used as it is)
        self.runtime = backend.get("runtime") or runtime.default_runtime()
        #: the function the calls run in, found when the first job starts
        self.function: str | None = self.runtime if self.runtime.startswith("ocid1.fnfunc") else None
        self._calling_job = calling_job
        if calling_job is not None:  # inside a function: its caller's function, deployed already
            self.function = calling_job["function"]
        self.bucket = storage.get("storage_bucket") or _default_bucket(self.config)
        self._mode = backend.get("invoke_mode", "detached")
        if self._mode not in ("detached", "sync"):
            raise errors.ConfigError(f"invoke_mode is \"{self._mode}\" in the \"oracle_f\" section; it must be "
                                     "\"detached\" (results through Object Storage) or \"sync\"")
        self._jobs_prefix = f"{JOBS_PREFIX}{self.executor_id}/"
        #: where this executor's jobs keep their objects (what a pickled future carries to be collected elsewhere)
        self._origin = {"bucket": self.bucket, "jobs_prefix": self._jobs_prefix, "mode": self._mode,
                        "endpoint": storage.get("endpoint"), "region": storage.get("region") or
                        self.config["oracle"].get("region")}
        futures_module.remember_config(self.config)
        self._engine = Engine(self.config)
        self._storage = Storage(self.config)
        if getattr(self._storage, "bucket", None) is None:
            self._storage.bucket = self.bucket
        self._lock = threading.RLock()
        self._prepared = False
        self._memory_functions: dict[int, str] = {}
        self._stored_functions: set[str] = set()
        self._local_uploads: dict[tuple[str, int, int], str] = {}
        self._cleaned: set[str] = set()
        self._cloudobjects_cleaned: set[str] = set()
        #: whether the bucket may hold objects of this executor's that clean() has not deleted
        self._dirty = False
        self._last_call: str | None = None
        #: every future this executor handed out, in submission order (and those its calls returned)
        self.futures: list[ResponseFuture] = []
        #: Lithops' names: jobs made so far, keys of the jobs cleaned, the CSV job_summary() writes
        self.total_jobs = 0
        self.cleaned_jobs: set[str] = set()
        self.log_path: str | None = None
        self.is_lithops_worker = calling_job is not None
        self.data_cleaner = bool(self.config["lithops"].get("data_cleaner", True))
        self.backend = self.config["lithops"].get("backend", "oracle_f")
        self.mode = self.config["lithops"].get("mode", "serverless")
        if self.data_cleaner and not self.is_lithops_worker:
            atexit.register(self._clean_at_exit)

    def __repr__(self) -> str:
        return f"<FunctionExecutor {self.executor_id} runtime={self.runtime} bucket={self.bucket}>"

    def __enter__(self) -> FunctionExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.data_cleaner:
            self.clean(clean_cloudobjects=False)

    def __reduce__(self) -> NoReturn:
        raise errors.UnpicklableError(
            "a FunctionExecutor cannot be pickled (it holds the library's engine); inside a function, make a new "
            "one with FunctionExecutor(): it runs its jobs where the calling job runs")

    @property
    def storage(self) -> Storage:
        """An oraclefn Storage on the executor's configuration (the same session); its `bucket` is the
        executor's."""
        return self._storage

    @property
    def internal_storage(self) -> Storage:
        """Lithops' name for `storage`."""
        return self._storage

    @property
    def last_call(self) -> str | None:
        """"map", "call_async" or "map_reduce": what was called last (get_result() gives a single result alone
        unless it was a map)."""
        return self._last_call

    # -- submitting ----------------------------------------------------------------------------------------------

    def call_async(self, func: Callable[..., Any], data: Any, extra_env: Mapping[str, str] | None = None,
                   runtime_memory: int | None = None, timeout: float | None = None, include_modules: Modules = [],
                   exclude_modules: Modules = [], extra_args: ExtraArgs = None) -> ResponseFuture:
        """Calls `func` once with `data` (bound as a map item is: a tuple is its positional arguments, a dict its
        keyword arguments, anything else its one argument); returns its future. Options as for map()."""
        self._last_call = "call_async"
        _, _, futures = self._submit_map(func, [data], "A", runtime_memory=runtime_memory, extra_env=extra_env,
                                         include_modules=include_modules, exclude_modules=exclude_modules,
                                         timeout=timeout, extra_args=extra_args)
        return futures[0]

    def map(self, map_function: Callable[..., Any], map_iterdata: Any, chunksize: int | None = None,
            extra_args: ExtraArgs = None, extra_env: Mapping[str, str] | None = None, runtime_memory: int | None = None,
            obj_chunk_size: int | None = None, obj_chunk_number: int | None = None, obj_newline: str = "\n",
            timeout: float | None = None, include_modules: Modules = [], exclude_modules: Modules = []) -> FuturesList:
        """Calls `map_function` once per item of `map_iterdata` (a list, range or set; anything else is one item),
        bound as Lithops binds it: a tuple item gives the positional arguments, a dict the keyword arguments,
        anything else the first argument; `extra_args` (a tuple or a dict) is added to every item. The futures
        of an earlier job as items: each call gets one call's result (the job starts when they have ended).

        `chunksize`: calls per invocation. `extra_env`: environment variables the calls see. `runtime_memory`:
        MB of the function the calls run in (on the emulator deployed as needed; on Oracle Functions deployed by
        `oraclefn runtime deploy --memory`). `timeout`: seconds a call may run; the worker then stops it and its
        future raises TimeoutError.
        `include_modules`/`exclude_modules`: the modules that travel by value with the function (default: the
        user's module it comes from; None: none). A function with an `obj` parameter maps over objects: items
        name a bucket, a prefix, keys or URLs, split in chunks by `obj_chunk_size` or `obj_chunk_number` on
        `obj_newline` boundaries. Returns the futures, in call order."""
        self._last_call = "map"
        _, _, futures = self._submit_map(
            map_function, map_iterdata, "M", runtime_memory=runtime_memory, extra_env=extra_env,
            include_modules=include_modules, exclude_modules=exclude_modules, timeout=timeout, chunksize=chunksize,
            extra_args=extra_args, obj_chunk_size=obj_chunk_size, obj_chunk_number=obj_chunk_number,
            obj_newline=obj_newline)
        return FuturesList(futures, self)

    def map_reduce(self, map_function: Callable[..., Any], map_iterdata: Any, reduce_function: Callable[..., Any],
                   chunksize: int | None = None, extra_args: ExtraArgs = None, extra_args_reduce: ExtraArgs = None,
                   extra_env: Mapping[str, str] | None = None, map_runtime_memory: int | None = None,
                   reduce_runtime_memory: int | None = None, timeout: float | None = None,
                   obj_chunk_size: int | None = None, obj_chunk_number: int | None = None, obj_newline: str = "\n",
                   obj_reduce_by_key: bool = False, spawn_reducer: int = 20, include_modules: Modules = [],
                   exclude_modules: Modules = []) -> FuturesList:
        """map(), then `reduce_function(results)` in a function once every map call has ended, with their results
        in call order (`extra_args_reduce` added). With `obj_reduce_by_key`, one reducer per object the map
        went over. `spawn_reducer`: the percentage of map calls to wait for before returning (ALWAYS: return at
        once). Returns the map futures and the reducers'; get_result() gives the reducers' results (or the first
        map call's exception)."""
        self._last_call = "map_reduce"
        job, parts_per_object, mapped = self._submit_map(
            map_function, map_iterdata, "M", runtime_memory=map_runtime_memory, extra_env=extra_env,
            include_modules=include_modules, exclude_modules=exclude_modules, timeout=timeout, chunksize=chunksize,
            extra_args=extra_args, obj_chunk_size=obj_chunk_size, obj_chunk_number=obj_chunk_number,
            obj_newline=obj_newline)
        if spawn_reducer != ALWAYS and mapped:
            self.wait(mapped, throw_except=False, return_when=spawn_reducer, show_progressbar=False,
                      clean_jobs=False)
        groups = [mapped]
        if obj_reduce_by_key and parts_per_object:
            groups, offset = [], 0
            for count in parts_per_object:
                groups.append(mapped[offset:offset + count])
                offset += count
        reduce_job = self._new_job(str(job.job_id).replace("M", "R", 1), reduce_function, reduce_runtime_memory)
        deferred = DeferredRun(time.time())
        reducers = [ResponseFuture(deferred, index, self.executor_id, True, reduce_job) for index in range(len(groups))]
        for future in mapped:
            future._set_mapreduce()
        with self._lock:
            self.futures.extend(reducers)

        def reduce_when_mapped() -> None:
            try:
                results = [[future.result() for future in group] for group in groups]
                bound = bind_items(reduce_function, [(group,) for group in results], extra_args_reduce)
                deferred.start(self._start_job(reduce_function, bound, timeout=timeout,
                                               runtime_memory=reduce_runtime_memory, extra_env=extra_env,
                                               include_modules=include_modules, exclude_modules=exclude_modules))
            except BaseException as error:  # the map's exception, or why the reducer could not start
                deferred.fail(error)

        threading.Thread(target=reduce_when_mapped, name=f"oraclefn-reduce-{self.executor_id}", daemon=True).start()
        return FuturesList([*mapped, *reducers], self)

    def _new_job(self, job_id: str, func: Callable[..., Any], runtime_memory: int | None) -> JobInfo:
        return JobInfo(job_id, self.executor_id, _function_name(func),
                       runtime_memory or self.config["oracle_f"].get("runtime_memory"), self.config)

    def _create_job_id(self, call_type: str) -> str:
        """Lithops' job ids: A000 for a call_async, M001 for a map, ..., numbered in this executor."""
        with self._lock:
            number = self.total_jobs
            self.total_jobs += 1
        return f"{call_type}{number:03d}"

    def _submit_map(self, func: Callable[..., Any], iterdata: Any, job_prefix: str, runtime_memory: int | None = None,
                    extra_env: Mapping[str, str] | None = None, include_modules: Modules = (),
                    exclude_modules: Modules = (), timeout: float | None = None, chunksize: int | None = None,
                    extra_args: ExtraArgs = None, obj_chunk_size: int | None = None,
                    obj_chunk_number: int | None = None,
                    obj_newline: str = "\n") -> tuple[JobInfo, list[int] | None, list[ResponseFuture]]:
        """(JobInfo, objects' partition counts or None, futures) of a new map job (call_async's, map_reduce's)."""
        if not callable(func):
            raise TypeError(f"the function to run must be callable, not {type(func).__name__}")
        _check_job_options(chunksize, timeout, extra_env)
        job = self._new_job(self._create_job_id(job_prefix), func, runtime_memory)
        options: dict[str, Any] = {"chunksize": chunksize, "timeout": timeout, "runtime_memory": runtime_memory,
                   "extra_env": extra_env, "include_modules": include_modules, "exclude_modules": exclude_modules}
        chained = chained_futures(iterdata)
        if chained is not None:
            if extra_args:
                raise ValueError("extra_args cannot be used when chaining jobs: a chained function is called with "
                                 "the result of the earlier call and nothing else; return the extra values from "
                                 "the earlier function instead")
            return job, None, self._submit_chained(func, chained, job, options)
        data = verify_args(func, iterdata, extra_args)
        parts_per_object = None
        if is_object_processing_function(func):
            data, parts_per_object = self._create_partitions(data, func, obj_chunk_size, obj_chunk_number,
                                                              obj_newline)
        bound = [prepare_args(func, item) for item in data]
        if not bound:
            return job, parts_per_object, []
        run = self._start_job(func, bound, **options)
        futures = [ResponseFuture(run, index, self.executor_id, True, job) for index in range(len(bound))]
        with self._lock:
            self.futures.extend(futures)
        return job, parts_per_object, futures

    def _submit_chained(self, func: Callable[..., Any], inputs: list[ResponseFuture], job: JobInfo,
                        options: dict[str, Any]) -> list[ResponseFuture]:
        """A job over the results of earlier calls: it starts once they have ended, each call getting one result
        (bound as an item is); the earlier calls' results are consumed (get_result() skips them)."""
        for future in inputs:
            future._produce_output = False
        deferred = DeferredRun(time.time())
        futures = [ResponseFuture(deferred, index, self.executor_id, True, job) for index in range(len(inputs))]
        with self._lock:
            self.futures.extend(futures)

        def start_when_ready() -> None:
            try:
                bound = bind_items(func, [future.result() for future in inputs])
                deferred.start(self._start_job(func, bound, **options))
            except BaseException as error:  # an earlier call's exception, or why the job could not start
                deferred.fail(error)

        threading.Thread(target=start_when_ready, name=f"oraclefn-chain-{self.executor_id}", daemon=True).start()
        return futures

    def _create_partitions(self, data: list[Any], func: Callable[..., Any], obj_chunk_size: int | None,
                           obj_chunk_number: int | None, obj_newline: str) -> tuple[list[Any], list[int] | None]:
        """The items of a function with an `obj` parameter (dicts of arguments, as binding made them), split by
        oraclefn.partitioner into one item per chunk of the objects they name: (items, how many each object
        became)."""
        from . import partitioner
        from .worker import objects

        if data and all(isinstance(item, dict) and objects.is_partition(item.get("obj")) for item in data):
            return data, None  # partitioned already (by partitioner.create_partitions): one call each
        data = self._upload_local_files(data)
        return partitioner.create_partitions(self._storage, func, data, obj_chunk_size, obj_chunk_number,
                                             obj_newline)

    def _upload_local_files(self, data: list[Any]) -> list[Any]:
        """Items whose obj is a local file or folder (its files, as Lithops lists them) name copies of them in
        the job's bucket, uploaded once per executor: a function cannot read the client's disk. They are deleted
        with the executor's objects."""
        items = []
        for item in data:
            obj = item.get("obj") if isinstance(item, dict) else None
            if not isinstance(obj, str) or not _is_local_path(obj):
                items.append(item)
                continue
            if os.path.isdir(obj):
                paths = [os.path.join(obj, name) for name in os.listdir(obj)
                         if os.path.isfile(os.path.join(obj, name))]
            elif os.path.isfile(obj):
                paths = [obj]
            else:
                raise FileNotFoundError(f"obj {obj!r} is a local path that is neither a file nor a folder")
            for path in paths:
                items.append({**item, "obj": f"oracle_oss://{self.bucket}/{self._uploaded(path)}"})
        return items

    def _uploaded(self, path: str) -> str:
        real = os.path.realpath(path)
        stat = os.stat(real)
        marker = (real, stat.st_size, stat.st_mtime_ns)
        with self._lock:
            key = self._local_uploads.get(marker)
        if key is None:
            self._prepare()
            digest = hashlib.sha256(real.encode()).hexdigest()[:16]
            key = f"{self._jobs_prefix}local/{digest}/{os.path.basename(real)}"
            self._dirty = True
            self._storage.upload_file(real, self.bucket, key)
            with self._lock:
                self._local_uploads[marker] = key
        return key

    def _start_job(self, func: Callable[..., Any], bound: list[Any], chunksize: int | None = None,
                   timeout: float | None = None, runtime_memory: int | None = None,
                   extra_env: Mapping[str, str] | None = None, include_modules: Modules = (),
                   exclude_modules: Modules = ()) -> JobRun:
        function = self._function_for_memory(runtime_memory, self._prepare())
        self._dirty = True
        created = time.time()
        shipped = func
        if extra_env:
            from ._shipped import WithEnvironment
            shipped = WithEnvironment(func, extra_env)
        with serialize.pickled_by_value(func, include_modules, exclude_modules):
            reference = self._function_reference(serialize.pickle_function(shipped, func))
            inputs = serialize.encode_calls(reference, bound, func)
        options = {"mode": self._mode, "bucket": self.bucket, "jobs_prefix": self._jobs_prefix,
                   "chunksize": chunksize or self.config["lithops"].get("chunksize"), "execution_timeout": timeout}
        job = self._engine.map(function, inputs, **options)
        return JobRun(job, created, self._origin)

    def _prepare(self) -> str:
        """Once per executor: the bucket, and the runtime's function, deployed when on an emulator (on Oracle
        Functions, `oraclefn runtime deploy` does it, as `lithops runtime deploy` does). Returns the function."""
        with self._lock:
            if self.function is None or not self._prepared:
                with contextlib.suppress(errors.ConflictError):  # it exists already
                    self._storage.create_bucket(self.bucket)
                if self.function is None:
                    self.function = self._deployed_function(self.config)
                self._prepared = True
            return self.function

    def _deployed_function(self, config: Config) -> str:
        """The function of the runtime `config` names (oracle_f.runtime, else the default runtime, at
        oracle_f.runtime_memory), deployed first on an emulator, where the worker runs this interpreter and must
        import this oraclefn."""
        resolved = runtime.resolve(config)
        if resolved["emulator"]:
            runtime.deploy(config, environment=runtime.emulator_environment())
        function: str = resolved["function"]
        return function

    def _function_for_memory(self, runtime_memory: int | None, own: str) -> str:
        """The function for map(runtime_memory=MB): the executor's `own` unless MB differs from oracle_f's."""
        configured = self.config["oracle_f"].get("runtime_memory")
        if runtime_memory is None or configured is not None and int(runtime_memory) == int(configured):
            return own
        if self.runtime.startswith("ocid1.fnfunc"):
            raise errors.ConfigError(f"runtime_memory={runtime_memory} cannot apply: the runtime is the function "
                                     f"{self.runtime}, whose memory is its own; deploy one with that memory")
        memory = int(runtime_memory)
        with self._lock:
            if memory not in self._memory_functions:
                variant = self._config_with({"oracle_f": {"runtime_memory": memory}})
                self._memory_functions[memory] = self._deployed_function(variant)
            return self._memory_functions[memory]

    def _config_with(self, sections: Mapping[str, Mapping[str, Any]]) -> Config:
        """The executor's configuration with some sections' keys changed (a new Config, checked again)."""
        config, config_file, overrides = self._config_source
        if isinstance(config, Config):
            config = {section: {k: v for k, v in dict(config[section]).items() if v != "<masked>"}
                      for section in config}
        return _resolve_config(config, config_file, overrides, sections)[0]

    def _function_reference(self, pickled: bytes) -> dict[str, Any]:
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

    def wait(self, fs: Futures = None, throw_except: bool = True, return_when: int = ALL_COMPLETED,
             download_results: bool = False, timeout: float | None = None, threadpool_size: int = THREADPOOL_SIZE,
             wait_dur_sec: float | None = None, show_progressbar: bool = True,
             clean_jobs: bool | None = None) -> tuple[FuturesList, FuturesList]:
        """Waits for the futures `fs` (default: all of this executor's; of other executors too) until
        `return_when`: ALWAYS (check once), ANY_COMPLETED, ALL_COMPLETED or a percentage of them. Returns
        (done, not_done). The futures that calls return are added to `fs` (a list) and waited for too. Raises
        TimeoutError when `timeout` seconds pass first (the calls go on), and with `throw_except` the exception
        of the first failed call as soon as it is seen. `clean_jobs` (default: data_cleaner): delete the objects
        of the finished jobs once every future is done."""
        futures = self._futures_of(fs)
        clean = self.data_cleaner if clean_jobs is None else clean_jobs
        try:
            futures_module.wait(futures, throw_except=throw_except, return_when=return_when,
                                download_results=download_results, timeout=timeout, threadpool_size=threadpool_size,
                                wait_dur_sec=wait_dur_sec, show_progressbar=show_progressbar)
        except errors.CallTimeoutError:
            raise
        except BaseException:
            for future in futures:  # as Lithops: get_result() does not come back to the calls that ended
                if future.done:
                    future._set_exception()
            raise
        if clean and return_when == ALL_COMPLETED:
            self.clean(fs=futures, clean_cloudobjects=False)
        done = [f for f in futures if f.done]
        not_done = [f for f in futures if not f.done]
        return FuturesList(done, self), FuturesList(not_done, self)

    def get_result(self, fs: Futures = None, throw_except: bool = True, timeout: float | None = None,
                   threadpool_size: int = THREADPOOL_SIZE, wait_dur_sec: float | None = None,
                   show_progressbar: bool = True) -> Any:
        """The results of the futures `fs` (default: this executor's not read yet), in call order, waiting for
        them; the results of the futures calls returned take their callers' places. A single result comes back
        alone unless the last call was a map."""
        futures = self._futures_of(fs)
        done, _ = self.wait(futures, throw_except=throw_except, download_results=True, timeout=timeout,
                            threadpool_size=threadpool_size, wait_dur_sec=wait_dur_sec,
                            show_progressbar=show_progressbar, clean_jobs=False)
        results = []
        for future in done:
            if future.futures or not future._produce_output:
                continue
            if fs is None and future._read:
                continue
            results.append(future.result(throw_except=throw_except))
            if fs is None:
                future._read = True
        if self.data_cleaner:
            self.clean(fs=futures, clean_cloudobjects=False)
        if len(results) == 1 and self._last_call != "map":
            return results[0]
        return results

    def _futures_of(self, fs: Futures) -> list[ResponseFuture]:
        if fs is None:
            return self.futures
        return futures_module.as_future_list(fs)

    # -- after the calls -----------------------------------------------------------------------------------------

    def logs(self, fs: Futures = None) -> str:
        """What the ended calls of `fs` (default: all) printed, each under a line naming the call."""
        parts = []
        for future in list(self._futures_of(fs)):
            if future.done and future.logs:
                parts.append(f"--- {future.executor_id}/{future.job_id}/{future.call_id}\n{future.logs}")
        return "".join(part if part.endswith("\n") else part + "\n" for part in parts)

    def plot(self, fs: Futures = None, dst: str | None = None,
             figsize: tuple[float, float] = (10, 6)) -> list[str] | None:
        """Writes `<dst>_timeline.png` and `<dst>_histogram.png` (default dst: plots/<epoch>), `figsize` inches,
        for the calls of `fs` (default: all) that ended with a result; returns their paths (None when no call
        has ended with a result yet)."""
        futures = [f for f in list(self._futures_of(fs)) if f.done and not f.error]
        if not futures:
            logger.info("%s: no call has ended with a result yet; nothing to plot", self.executor_id)
            return None
        stats = [f.stats for f in futures]
        prefix = plots.destination(dst)
        return [plots.create_timeline(stats, prefix, figsize), plots.create_histogram(stats, prefix, figsize)]

    def job_summary(self, cloud_objects_n: int = 0) -> str:
        """Writes a CSV summary of this executor's jobs (as Lithops' job_summary, columns Job_ID, Function,
        Invocations, Memory(MB), AvgRuntime, Cost, CloudObjects, then a Summary row) and returns its path. The
        cost is Oracle Functions' list price (per invocation and per GB-second), before any free tier."""
        groups: list[tuple[str | None, str, list[float], list[int]]] = []
        for future in list(self.futures):
            if not future.done or future.error:
                continue
            exec_time = future.stats.get("worker_exec_time")
            if exec_time is None:
                continue
            if not groups or groups[-1][0] != future.job_id:
                groups.append((future.job_id, future.function_name or "", [], []))
            groups[-1][2].append(exec_time)
            groups[-1][3].append(future.runtime_memory or self.config["oracle_f"].get("runtime_memory", 256))
        if self.log_path is None:
            folder = os.path.join(os.path.expanduser("~"), ".oraclefn", "logs")
            os.makedirs(folder, exist_ok=True)
            self.log_path = os.path.join(folder, datetime.datetime.now().strftime("%Y-%m-%d_%H-%M-%S.csv"))
        log_path = self.log_path
        rows, invocations, memory_total, cost_total, weighted = [], 0, 0, 0.0, 0.0
        for job_id, function, runtimes, memory in groups:
            cost = (len(runtimes) * PRICE_PER_MILLION_INVOCATIONS / 1e6 +
                    sum(t * m / 1024 for t, m in zip(runtimes, memory)) * PRICE_PER_GB_SECOND)
            average = sum(runtimes) / len(runtimes)
            rows.append([job_id, function, len(runtimes), sum(memory), round(average, 10), round(cost, 10), " "])
            invocations += len(runtimes)
            memory_total += sum(memory)
            cost_total += cost
            weighted += average * len(runtimes)
        rows.append(["Summary", " ", invocations, memory_total, round(weighted / invocations, 10) if invocations
                     else 0, round(cost_total, 10), cloud_objects_n])
        with open(log_path, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["Job_ID", "Function", "Invocations", "Memory(MB)", "AvgRuntime", "Cost",
                             "CloudObjects"])
            writer.writerows(rows)
        logger.info("View log file logs at %s", log_path)
        return log_path

    def clean(self, fs: Futures = None, cs: Iterable[CloudObject] | None = None, clean_cloudobjects: bool = True,
              clean_fn: bool = False, force: bool = False, on_exit: bool = False) -> None:
        """Deletes the objects (inputs, statuses, outputs, stored functions) of this executor's finished jobs
        among `fs` (default: all) from the bucket; jobs still running are left alone unless `force` (which stops
        them first). `clean_cloudobjects`: also the cloudobjects their calls stored (storage.put_cloudobject).
        `cs`: cloudobjects to delete (with no `fs`, only those). `clean_fn`: the stored functions too. `on_exit`:
        as at exit, every job (quietly)."""
        if cs:
            self._delete_cloudobjects(cs)
            if not fs:
                return
        futures = list(self._futures_of(fs))
        runs: dict[str, tuple[Run, str]] = {}
        for future in futures:
            run = future._run
            if run.id is not None and getattr(run, "origin", {}).get("jobs_prefix") == self._jobs_prefix:
                runs.setdefault(run.id, (run, future.job_key))
        if self._dirty:
            self._clean_jobs(futures, runs, fs is None, clean_fn, force, on_exit)
        if clean_cloudobjects:
            self._delete_job_cloudobjects({run_id for run_id, (run, _) in runs.items() if run.wait(0)})

    def _clean_jobs(self, futures: list[ResponseFuture], runs: dict[str, tuple[Run, str]], all_futures: bool,
                    clean_fn: bool, force: bool, on_exit: bool) -> None:
        if force:
            for run, _ in runs.values():
                if not run.wait(0):
                    with contextlib.suppress(errors.OracleFnError):
                        # a job still storing its inputs would write them after the delete
                        getattr(run, "wait_prepared", lambda timeout: True)(FORCE_CLEAN_SECONDS)
                        run.cancel()
                        run.wait(FORCE_CLEAN_SECONDS)
        finished = {run_id for run_id, (run, _) in runs.items() if force or on_exit or run.wait(0)} - self._cleaned
        everything_ended = all_futures and all(f.done for f in futures)
        if (everything_ended or on_exit) and (finished or self._stored_functions or clean_fn):
            self._delete_prefix(self._jobs_prefix)
            with self._lock:
                self._stored_functions.clear()
                self._local_uploads.clear()
        else:
            for run_id in finished:
                self._delete_prefix(f"{self._jobs_prefix}{run_id}/")
            if clean_fn:
                names = list(self._stored_functions)
                self._storage.delete_objects(self.bucket, names)
                with self._lock:
                    self._stored_functions.clear()
        self._cleaned |= finished
        self.cleaned_jobs |= {runs[run_id][1] for run_id in finished}
        with self._lock:
            own = {f._run.id for f in self.futures
                   if f._run.id is None or getattr(f._run, "origin", {}).get("jobs_prefix") == self._jobs_prefix}
            if own <= self._cleaned and not self._stored_functions and not self._local_uploads:
                self._dirty = False

    def _delete_cloudobjects(self, cloudobjects: Iterable[CloudObject]) -> None:
        delete = getattr(self._storage, "delete_cloudobjects", None)
        if delete is not None:
            delete(list(cloudobjects))
            return
        by_bucket: dict[str, list[str]] = {}
        for cloudobject in cloudobjects:
            by_bucket.setdefault(cloudobject.bucket, []).append(cloudobject.key)
        for bucket, keys in by_bucket.items():
            self._storage.delete_objects(bucket, keys)

    def _delete_job_cloudobjects(self, run_ids: set[str]) -> None:
        """The cloudobjects the calls of these jobs stored with storage.put_cloudobject() (named after the call:
        <TEMP_PREFIX>/<job id>-<call id>/...), as Lithops' clean_cloudobjects deletes them."""
        from .storage import TEMP_PREFIX

        for run_id in sorted(run_ids - self._cloudobjects_cleaned):
            self._delete_prefix(f"{TEMP_PREFIX}/{run_id}-")
            self._cloudobjects_cleaned.add(run_id)

    def _delete_prefix(self, prefix: str) -> None:
        self._storage.delete_objects(self.bucket, self._storage.list_keys(self.bucket, prefix))

    def _clean_at_exit(self) -> None:
        try:
            self.clean(clean_cloudobjects=False, clean_fn=True, on_exit=True)
        except errors.OracleFnError as error:
            print(f"oraclefn: the objects of executor {self.executor_id} were not cleaned: {error}", file=sys.stderr)


def _is_local_path(name: str) -> bool:
    return name.startswith("/") or re.match(r"^(?:[A-Za-z]:[\\/]|\\\\)", name) is not None


def _function_name(func: Callable[..., Any]) -> str:
    target = getattr(func, "func", func)
    return getattr(target, "__name__", None) or type(target).__name__


def _check_job_options(chunksize: object, timeout: object, extra_env: object) -> None:
    """Options that could never run, refused before anything is sent."""
    if chunksize is not None and (not isinstance(chunksize, int) or chunksize < 1):
        raise ValueError(f"chunksize is {chunksize!r}; it must be a whole number of calls per invocation, 1 or more")
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout <= 0):
        raise ValueError(f"timeout is {timeout!r}; it must be a number of seconds above 0")
    if extra_env is not None and not isinstance(extra_env, dict):
        raise TypeError(f"extra_env must be a dict of environment variables, not {type(extra_env).__name__}")


def default_config() -> Config:
    """The configuration FunctionExecutor() with no arguments uses in this process: the calling job's inside a
    function, else the one found where Lithops looks, else the embedded emulator's."""
    return _resolve_config(None, None, {})[0]


def _resolve_config(config: Config | Mapping[str, Any] | None, config_file: str | os.PathLike[str] | None,
                    overrides: Mapping[str, Any], sections: Mapping[str, Mapping[str, Any]] | None = None
                    ) -> tuple[Config, embedded.Emulator | None, dict[str, Any] | None]:
    """(Config, the embedded emulator or None, the calling job or None) for the executor's arguments. Inside a
    function, no arguments mean the configuration of the job that called it, signed with the function's
    resource principal. `sections`: keys of whole sections to change as well."""
    merged: dict[str, dict[str, Any]] = {}
    for key, value in overrides.items():
        merged.setdefault("lithops" if key in LITHOPS_KEYS else "oracle_f", {})[key] = value
    for section, values in (sections or {}).items():
        merged.setdefault(section, {}).update(values)
    if isinstance(config, Config):
        if merged:
            raise TypeError("keyword overrides cannot change a loaded Config; pass the configuration as a dict or a "
                            "file instead, or load it with oraclefn.load_config(path, oracle_f={...})")
        return config, None, None
    if isinstance(config, dict):
        return parse_config(json.dumps(config), **merged), None, None
    if config is not None:
        raise TypeError(f"config must be a dict of configuration sections or an oraclefn Config, not "
                        f"{type(config).__name__}; pass a file path as config_file=")
    calling_job = os.environ.get(calls.JOB_VARIABLE) if config_file is None else None
    if calling_job:
        job = json.loads(calling_job)
        return parse_config(json.dumps(job["config"]), **merged), None, job
    if config_file is None and locate_config() is None:
        running = embedded.shared()
        return load_config(running.config_file, **merged), running, None
    return load_config(config_file, **merged), None, None


def _config_for_functions(config: Config, bucket: str) -> dict[str, Any]:
    """What a function needs to run jobs of its own where this one runs: the account's non-secret keys, the
    endpoints, the runtime and the bucket, with the function's resource principal to sign (no key travels)."""
    def picked(section: str, keys: Iterable[str]) -> dict[str, Any]:
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


def _default_bucket(config: Mapping[str, Any]) -> str:
    """Lithops' default bucket name, for oraclefn: oraclefn-<region>-<7 characters of the user OCID> (of the
    compartment's, for credentials without a user)."""
    user = config["oracle"].get("user") or config["oracle"]["compartment_id"]
    return f"oraclefn-{config['oracle']['region']}-{user[-8:-1]}"


def _items(iterdata: Any) -> list[Any]:
    """The items of a map's iterdata, as Lithops takes them (oraclefn.binding.iterdata_items)."""
    return iterdata_items(iterdata)


def _bind(func: Callable[..., Any], item: Any, extra_args: ExtraArgs) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """(args, kwargs) of one call for an item, exactly as Lithops binds it (oraclefn.binding)."""
    return bind_items(func, [item], extra_args)[0]
