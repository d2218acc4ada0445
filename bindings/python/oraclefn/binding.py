"""How the items of a job become calls, exactly as Lithops 3.8.0 binds them (lithops.utils.verify_args and the
worker's _prepare_args), so a Lithops program calls its functions with the same arguments here.

Each item becomes a dict of arguments by name: a tuple is bound to the parameters positionally, a dict is taken
as it is (it must name every parameter, unless the function takes **kwargs), anything else is the first
parameter; `extra_args` is appended to every item. The dict is then turned into the call: the values named like
the function's *args and **kwargs parameters are spread, everything else goes by name. The parameters Lithops
injects in the worker (storage, id, ibm_cos, rabbitmq) are not bound to items.
"""
from __future__ import annotations

import collections.abc
import inspect
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:
    from .futures import ResponseFuture

#: Parameters the worker fills in at run time: the items are not bound to them.
INJECTED_PARAMETERS = frozenset({"ibm_cos", "storage", "id", "rabbitmq"})


def iterdata_items(iterdata: Any) -> list[Any]:
    """The items of a job's iterdata, as Lithops takes them: a list, a range or a set are the items; anything
    else (a string, a dict, a tuple, one object URL) is one item. An iterator (which Lithops would fail to
    pickle) gives its items."""
    if isinstance(iterdata, (range, set, frozenset)):
        return list(iterdata)
    if isinstance(iterdata, list):
        return iterdata
    if isinstance(iterdata, collections.abc.Iterator):
        return list(iterdata)
    return [iterdata]


def format_data(iterdata: Any, extra_args: Any) -> list[Any]:
    """The items with `extra_args` appended to each: to a tuple item a tuple, to a dict item a dict (merged),
    to any other item a tuple (the item comes first)."""
    data = iterdata_items(iterdata)
    if not extra_args:
        return list(data)
    if not isinstance(extra_args, (tuple, list, dict)):
        raise TypeError(f"extra_args must be a tuple or a dict, not {type(extra_args).__name__}")
    formatted: list[Any] = []
    for item in data:
        if type(item) is tuple:
            if type(extra_args) is not tuple:
                raise TypeError(f"extra_args must be a tuple for the tuple item {item!r}, not "
                                f"{type(extra_args).__name__}")
            formatted.append(item + extra_args)
        elif type(item) is dict:
            if type(extra_args) is not dict:
                raise TypeError(f"extra_args must be a dict for the dict item {item!r}, not "
                                f"{type(extra_args).__name__}")
            formatted.append({**item, **extra_args})
        else:
            if isinstance(extra_args, dict):
                raise TypeError(f"extra_args must be a tuple for the item {item!r}: a dict of extra arguments "
                                "goes with dict items")
            formatted.append((item, *extra_args))
    return formatted


def signature_of(func: Callable[..., Any]) -> inspect.Signature | None:
    """The function's signature, or None for a callable that has none Python can read (some builtins)."""
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None


def user_signature(func: Callable[..., Any]) -> inspect.Signature | None:
    """The signature items are bound to: the function's, without the parameters the worker injects."""
    signature = signature_of(func)
    if signature is None:
        return None
    return signature.replace(parameters=[p for name, p in signature.parameters.items()
                                         if name not in INJECTED_PARAMETERS])


def describe(func: Callable[..., Any]) -> str:
    """The function's name, for messages."""
    name = getattr(func, "__name__", None) or getattr(getattr(func, "func", None), "__name__", None) \
        or type(func).__name__
    return name


def verify_args(func: Callable[..., Any], iterdata: Any, extra_args: Any) -> list[dict[str, Any]]:
    """Lithops' verify_args: one dict of arguments by name per item (see the module's documentation). Raises
    TypeError (ValueError for a dict item naming the wrong parameters) for an item the function cannot take."""
    data = format_data(iterdata, extra_args)
    signature = user_signature(func)
    if signature is None:
        return [_unchecked(item) for item in data]
    takes_kwargs = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())
    bound: list[dict[str, Any]] = []
    for item in data:
        if isinstance(item, dict):
            if takes_kwargs or set(signature.parameters) <= set(item):
                bound.append(item)
            else:
                missing = [name for name in signature.parameters if name not in item]
                raise ValueError(
                    f"{describe(func)}{signature} cannot be called with the item {item!r}: a dict item must name "
                    f"every parameter (as in Lithops); you provided these args: {list(item)}, and the args must "
                    f"be: {list(signature.parameters)} (missing: {missing})")
        else:
            arguments = item if isinstance(item, tuple) else (item,)
            try:
                bound.append(dict(signature.bind(*arguments).arguments))
            except TypeError as error:
                raise TypeError(f"{describe(func)}{signature} cannot be called with the item {item!r}: "
                                f"{error}") from None
    return bound


class _Unchecked(dict[str, Any]):
    """The arguments of a function without a readable signature: positional ones under the key of *args."""


def _unchecked(item: Any) -> _Unchecked:
    if isinstance(item, dict):
        return _Unchecked(item)
    return _Unchecked({"*": item if isinstance(item, tuple) else (item,)})


def prepare_args(func: Callable[..., Any], data: Mapping[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """(args, kwargs) of the call for one dict of verify_args (Lithops' _prepare_args): the value named like the
    function's *args parameter is spread positionally, the one named like its **kwargs parameter by name, the
    rest by name. Positional-only parameters, and those before a non-empty *args, are passed positionally, where
    Lithops would fail the call."""
    payload = dict(data)
    if isinstance(data, _Unchecked):
        return tuple(payload.pop("*", ())), payload
    signature = signature_of(func)
    if signature is None:
        return (), payload
    var_positional: str | None = None
    var_keyword: str | None = None
    for name, parameter in signature.parameters.items():
        if parameter.kind == inspect.Parameter.VAR_POSITIONAL:
            var_positional = name
        elif parameter.kind == inspect.Parameter.VAR_KEYWORD:
            var_keyword = name
    spread: tuple[Any, ...] = ()
    if var_positional is not None and var_positional in payload:
        spread = tuple(payload.pop(var_positional) or ())
    kwargs: dict[str, Any] = {}
    if var_keyword is not None and var_keyword in payload:
        kwargs = dict(payload.pop(var_keyword) or {})
    positional = [p for p in signature.parameters.values()
                  if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    args = []
    if spread or any(p.kind == inspect.Parameter.POSITIONAL_ONLY for p in positional):
        for parameter in positional:
            if parameter.name not in payload:
                break
            if parameter.kind != inspect.Parameter.POSITIONAL_ONLY and not spread:
                break
            args.append(payload.pop(parameter.name))
    kwargs.update(payload)
    return (*args, *spread), kwargs


def bind_items(func: Callable[..., Any], iterdata: Any,
               extra_args: Any = None) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(args, kwargs) for each item of iterdata: verify_args, then prepare_args."""
    return [prepare_args(func, data) for data in verify_args(func, iterdata, extra_args)]


def is_object_processing_function(func: Callable[..., Any]) -> bool:
    """Whether the function takes an `obj` parameter (that can be passed by name: len's is not one): its items
    name objects (a bucket, a prefix, keys, URLs), which the partitioner splits into chunks, one call each."""
    signature = signature_of(func)
    parameter = signature.parameters.get("obj") if signature is not None else None
    return parameter is not None and parameter.kind is not inspect.Parameter.POSITIONAL_ONLY


def chained_futures(iterdata: Any) -> list[ResponseFuture] | None:
    """The futures of an earlier job used as this job's items (each call gets one call's result), else None.
    Mixing futures and plain data is refused, as Lithops refuses it."""
    from .futures import FuturesList, ResponseFuture

    if isinstance(iterdata, FuturesList):
        return list(iterdata) or None
    if isinstance(iterdata, ResponseFuture):
        return [iterdata]
    if not isinstance(iterdata, (list, tuple)) or not iterdata:
        return None
    futures = [item for item in iterdata if isinstance(item, ResponseFuture)]
    if not futures:
        return None
    if len(futures) != len(iterdata):
        raise ValueError("the iterdata mixes futures of an earlier job with plain data; chaining takes the futures "
                         "of one job as the whole input of the next one")
    return list(iterdata)
