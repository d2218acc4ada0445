"""Pickling a job on the client: which modules travel by value with the function, and errors that name what
cannot be pickled and why (never a bare pickle or ctypes message)."""
from __future__ import annotations

import contextlib
import importlib
import os
import sys
import sysconfig
import threading
import types
from typing import Any, Callable, Iterable, Iterator, Sequence

import cloudpickle

from . import errors
from .worker import calls

_PICKLE_BY_VALUE = threading.Lock()
_PACKAGE_PATH = os.path.dirname(os.path.realpath(__file__)) + os.sep


def _installed_paths() -> tuple[str, ...]:
    paths = {sysconfig.get_paths()[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    return tuple(os.path.realpath(p) + os.sep for p in paths)


def is_oraclefn(module: types.ModuleType | None) -> bool:
    """Whether a module is part of oraclefn, which every worker has (it is never shipped)."""
    name = getattr(module, "__name__", "") or ""
    return name == "oraclefn" or name.startswith("oraclefn.")


def needs_shipping(module: types.ModuleType | None) -> bool:
    """Whether a module lives outside the interpreter's installation (the user's own code), so a function's
    worker cannot import it and it must travel by value."""
    path = getattr(module, "__file__", None)
    if module is None or module.__name__ == "__main__" or not path or is_oraclefn(module):
        return False
    return not os.path.realpath(path).startswith(_installed_paths())


def _is_lithops_shim(module: types.ModuleType | None) -> bool:
    return getattr(module, "__name__", None) == "oraclefn.lithops"


def shipping_root(func: Callable[..., Any]) -> types.ModuleType | None:
    """The module a function must bring along by value, or None: its top-level package when that is the user's
    own code; and while `import lithops` gives oraclefn's (oraclefn.lithops.install()), the module of a function
    that comes from Lithops' own files (its tests, say), because a worker's `import lithops` would not give
    oraclefn's."""
    target = getattr(func, "func", func)  # functools.partial
    name = getattr(target, "__module__", None) or ""
    top = sys.modules.get(name.split(".")[0])
    if _is_lithops_shim(top):
        module = sys.modules.get(name)
        return module if module is not None and not is_oraclefn(module) else None
    return top if needs_shipping(top) else None


@contextlib.contextmanager
def pickled_by_value(func: Callable[..., Any], include_modules: Sequence[str | types.ModuleType] | None = (),
                     exclude_modules: Sequence[str] | None = ()) -> Iterator[None]:
    """While pickling a job: the modules that travel by value with it (Lithops' include_modules and
    exclude_modules: by default the user's module the function comes from; a list names the modules to ship;
    None ships none), and oraclefn._shipped, whose helpers a worker does not need installed."""
    from . import _shipped

    excluded = set(exclude_modules or ())
    if include_modules is None:
        candidates = []
    elif include_modules:
        candidates = [importlib.import_module(name) if isinstance(name, str) else name for name in include_modules]
    else:
        root = shipping_root(func)
        candidates = [root] if root is not None else []
    candidates = [m for m in candidates if m.__name__ not in excluded and m.__name__.split(".")[0] not in excluded]
    candidates.append(_shipped)
    with _PICKLE_BY_VALUE:
        registered = set(cloudpickle.list_registry_pickle_by_value())
        added = [m for m in candidates if m.__name__ not in registered]
        for module in added:
            cloudpickle.register_pickle_by_value(module)
        try:
            yield
        finally:
            for module in added:
                cloudpickle.unregister_pickle_by_value(module)


def pickle_function(shipped: Callable[..., Any], func: Callable[..., Any]) -> bytes:
    """The function (`shipped`, which may wrap `func`) pickled, or UnpicklableError naming what in it does not
    pickle."""
    try:
        return calls.pickle_function(shipped)
    except Exception as error:
        raise errors.UnpicklableError(
            f"the function {_name(func)} cannot be pickled to run in Oracle Functions: "
            f"{_culprit_of_function(func, error)}") from None


def encode_calls(reference: dict[str, Any], bound: Iterable[tuple[tuple[Any, ...], dict[str, Any]]],
                 func: Callable[..., Any]) -> list[bytes]:
    """Each call's input, or UnpicklableError naming the call and the argument that does not pickle."""
    inputs: list[bytes] = []
    for index, (args, kwargs) in enumerate(bound):
        try:
            inputs.append(calls.encode_call(reference, args, kwargs))
        except Exception as error:
            raise errors.UnpicklableError(
                f"call {index:05d} of {_name(func)} cannot be sent: {_culprit_of_call(func, args, kwargs, error)}"
            ) from None
    return inputs


def _name(func: Callable[..., Any]) -> str:
    target = getattr(func, "func", func)
    return getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or type(func).__name__


def _pickles(value: object) -> Exception | None:
    try:
        cloudpickle.dumps(value)
        return None
    except Exception as error:
        return error


def _what(value: object) -> str:
    kind = type(value)
    module = kind.__module__
    if module.startswith("oraclefn"):
        hint = ("; an oraclefn object holds the library's handles, which cannot travel: make it inside the "
                "function (FunctionExecutor() with no arguments runs a job where its caller runs)")
        return f"an oraclefn {kind.__name__}{hint}"
    name = kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"
    return f"a {name}"


def _cause(error: BaseException) -> str:
    text = str(error)
    if "ctypes objects containing pointers cannot be pickled" in text:
        text = "it holds ctypes pointers"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _culprit_of_function(func: Callable[..., Any], error: BaseException) -> str:
    """The closure variable, global, default or bound argument of the function that does not pickle."""
    parts: list[tuple[str, object]] = []
    target: Any = func
    if hasattr(func, "func") and hasattr(func, "args"):  # functools.partial
        for position, value in enumerate(func.args):
            parts.append((f"its bound argument {position}", value))
        for key, value in (getattr(func, "keywords", None) or {}).items():
            parts.append((f"its bound argument {key!r}", value))
        target = func.func
    code = getattr(target, "__code__", None)
    if isinstance(target, types.FunctionType) and code is not None:
        for name, cell in zip(code.co_freevars, target.__closure__ or ()):
            try:
                parts.append((f"its closure variable {name!r}", cell.cell_contents))
            except ValueError:
                continue
        globals_ = target.__globals__
        for name in _global_names(code):
            if name in globals_ and not isinstance(globals_[name], types.ModuleType):
                parts.append((f"its global {name!r}", globals_[name]))
        for position, value in enumerate(target.__defaults__ or ()):
            parts.append((f"its default value {position}", value))
        for key, value in (target.__kwdefaults__ or {}).items():
            parts.append((f"its default value of {key!r}", value))
    elif not isinstance(target, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        parts.append(("the callable object", target))
    if isinstance(target, types.MethodType):
        parts.append(("the object it is a method of", target.__self__))
    for label, value in parts:
        failure = _pickles(value)
        if failure is not None:
            return (f"{label} is {_what(value)}, which cannot be pickled ({_cause(failure)}); create it inside the "
                    "function, or pass what it needs as arguments")
    return f"{_cause(error)}"


def _global_names(code: types.CodeType) -> list[str]:
    names = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names.extend(_global_names(const))
    return list(dict.fromkeys(names))


def _culprit_of_call(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                     error: BaseException) -> str:
    parameters = _parameter_names(func)
    for position, value in enumerate(args):
        failure = _pickles(value)
        if failure is not None:
            label = (f"its argument {parameters[position]!r}" if position < len(parameters)
                     else f"its positional argument {position}")
            return f"{label} is {_what(value)}, which cannot be pickled ({_cause(failure)})"
    for key, value in kwargs.items():
        failure = _pickles(value)
        if failure is not None:
            return f"its argument {key!r} is {_what(value)}, which cannot be pickled ({_cause(failure)})"
    return _cause(error)


def _parameter_names(func: Callable[..., Any]) -> list[str]:
    from .binding import signature_of

    signature = signature_of(func)
    return list(signature.parameters) if signature is not None else []

