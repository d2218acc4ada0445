"""The parameters a call's function gets from the worker rather than from its item, as Lithops' JobRunner gives
them: `storage` (an oraclefn Storage for the calling job's configuration), `id` (the call's index in its job)
and, for a partition of the data partitioner, `obj` with its `data_stream`.
"""
from __future__ import annotations

import collections
import inspect
import json
import os
import threading
from typing import TYPE_CHECKING, Any, Callable

from . import calls, objects

if TYPE_CHECKING:
    from oraclefn.storage import Storage

#: Parameter names the worker fills in whatever the item holds (Lithops' injected arguments we support).
INJECTED = ("storage", "id")
#: Storages kept by a hot worker, one per job configuration.
CACHED_STORAGES = 8

_storages: collections.OrderedDict[str, Storage] = collections.OrderedDict()
_storages_lock = threading.Lock()


class StorageUnavailable(RuntimeError):
    """The function asks for storage (a `storage` or `obj` parameter) and none can be made here."""


def prepare(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], call_index: int | str | None,
            job: dict[str, Any] | None = None) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """(args, kwargs) to call `function` with: the item's arguments, with `storage` and `id` set when the function
    has those parameters, and an `obj` partition given its reader. Anything else is left as it is."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return args, kwargs
    parameters = signature.parameters
    wanted = [name for name in INJECTED if name in parameters
              and parameters[name].kind is not inspect.Parameter.POSITIONAL_ONLY]
    if not wanted and "obj" not in parameters:
        return args, kwargs
    arguments = _arguments(signature, args, kwargs, wanted)
    if arguments is None:  # the item does not fit: the call fails as it would have, with the injected names set
        return args, {**kwargs, **_injected(wanted, call_index, job)}
    arguments.update(_injected(wanted, call_index, job))
    obj = arguments.get("obj")
    if objects.is_partition(obj):
        storage = arguments.get("storage")
        objects.open_partition(obj, (lambda: storage) if storage is not None else (lambda: job_storage(job)))
    bound = inspect.BoundArguments(signature, collections.OrderedDict(
        (name, arguments[name]) for name in parameters if name in arguments))
    return bound.args, bound.kwargs


def _arguments(signature: inspect.Signature, args: tuple[Any, ...], kwargs: dict[str, Any],
               injected: list[str]) -> dict[str, Any] | None:
    """The item's arguments by parameter name, bound as Lithops binds them: never to an injected parameter."""
    user = signature.replace(parameters=[p for name, p in signature.parameters.items() if name not in injected])
    try:
        return dict(user.bind(*args, **{k: v for k, v in kwargs.items() if k not in injected}).arguments)
    except TypeError:
        return None


def _injected(wanted: list[str], call_index: int | str | None, job: dict[str, Any] | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "storage" in wanted:
        values["storage"] = job_storage(job)
    if "id" in wanted:
        values["id"] = call_index
    return values


def job_storage(job: dict[str, Any] | None) -> Storage:
    """The oraclefn Storage of the calling job's configuration (signed with the function's resource principal),
    made once per configuration in a worker process."""
    key = json.dumps(job.get("config") if job else None, sort_keys=True, default=str)
    with _storages_lock:
        storage = _storages.get(key)
        if storage is not None:
            _storages.move_to_end(key)
            return storage
    try:
        from oraclefn.storage import Storage
    except (ImportError, OSError) as error:
        raise StorageUnavailable(
            f"the function's storage or obj parameter needs oraclefn's library, which this runtime cannot load "
            f"({error}); build the runtime image with liboraclefn.so in it, or point ORACLEFN_LIBRARY at it"
        ) from None
    if job and job.get("config"):
        storage = Storage(config=job["config"])
    elif os.environ.get(calls.JOB_VARIABLE):
        storage = Storage()
    else:  # never Storage()'s search for a file, or its embedded emulator, inside a function
        raise StorageUnavailable("the call carries no configuration of the job that made it (its function "
                                 "reference has no \"job\"), so there is no storage to give the function")
    with _storages_lock:
        _storages[key] = storage
        while len(_storages) > CACHED_STORAGES:
            _storages.popitem(last=False)
    return storage
