"""Oracle Functions: list applications and functions, deploy one, invoke one synchronously or detached."""
from __future__ import annotations

import ctypes
import json
from typing import Any, Callable, Mapping, cast

from . import _lib
from .storage import Body, ConfigLike, as_config, payload


class _FunctionsHandle(_lib.Handle):
    _free = _lib.lib.ofn_functions_free


class Functions(_lib.HandleOwner):
    """A Functions client for a configuration's oracle_f section.

    >>> functions = Functions(load_config())
    >>> functions.invoke(function_id, b'{"name": "world"}')
    """

    def __init__(self, config: ConfigLike = None) -> None:
        config = as_config(config)
        raw = ctypes.c_void_p()
        _lib.lib.ofn_functions_new(ctypes.byref(raw), config.session.raw)
        self._handle = _FunctionsHandle(raw.value)

    def _json(self, fn: Callable[..., object], *args: object) -> Any:
        buf = _lib.Buf()
        fn(ctypes.byref(buf), self._handle.raw, *args)
        return json.loads(buf.take().decode("utf-8"))

    def list_applications(self, compartment_id: str | None = None) -> list[dict[str, Any]]:
        """The applications of the compartment (default: the configured one), as OCI describes them
        (dicts with 'id', 'displayName', 'lifecycleState', ...)."""
        return cast("list[dict[str, Any]]", self._json(_lib.lib.ofn_functions_list_applications,
                                                       _lib.encode(compartment_id, "compartment_id")))

    def list_functions(self, application_id: str) -> list[dict[str, Any]]:
        """The functions of an application (dicts with 'id', 'displayName', 'image', 'invokeEndpoint', ...)."""
        return cast("list[dict[str, Any]]", self._json(_lib.lib.ofn_functions_list_functions,
                                                       _lib.encode(application_id, "application_id")))

    def is_emulator(self) -> bool:
        """Whether the configured Functions endpoint is an oraclefn emulator; without an oracle_f endpoint (Oracle
        Functions itself) nothing is asked."""
        emulated = ctypes.c_int32()
        _lib.lib.ofn_functions_is_emulator(ctypes.byref(emulated), self._handle.raw)
        return bool(emulated.value)

    def ensure_application(self, name: str) -> dict[str, Any]:
        """The application `name` in the configured compartment (a dict as OCI describes it), made in the configured
        subnet when missing; returns once it is ACTIVE."""
        return cast("dict[str, Any]", self._json(_lib.lib.ofn_functions_ensure_application, _lib.encode(name, "name")))

    def deploy_function(self, application_id: str, name: str, image: str, memory: int, timeout: int | None = None,
                        config: Mapping[str, str] | None = None,
                        tags: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The function `name` of the application with `image`, `memory` MB and `timeout` seconds (and, when given,
        `config`, its environment, and freeform `tags`): updated when it exists and any of these differ, else
        created; returns it (a dict as OCI describes it) once it is ACTIVE."""
        details: dict[str, Any] = {"applicationId": application_id, "displayName": name, "image": image,
                                   "memoryInMBs": memory}
        for key, value in (("timeoutInSeconds", timeout), ("config", config), ("freeformTags", tags)):
            if value is not None:
                details[key] = value
        return cast("dict[str, Any]",
                    self._json(_lib.lib.ofn_functions_deploy_function, json.dumps(details).encode("utf-8")))

    def invoke(self, function_id: str, body: Body = b"") -> bytes:
        """Runs the function with `body` (bytes, str or a file-like object, at most 6 MB) and returns its
        answer. FunctionError when the function fails; 429 and 503 are retried with backoff."""
        data, size = payload(body)
        buf = _lib.Buf()
        _lib.lib.ofn_functions_invoke(ctypes.byref(buf), self._handle.raw, _lib.encode(function_id, "function_id"), data, size)
        return buf.take()

    def invoke_detached(self, function_id: str, body: Body = b"") -> str:
        """Starts the function with `body` and returns once the service accepted the call, with its call id."""
        data, size = payload(body)
        buf = _lib.Buf()
        _lib.lib.ofn_functions_invoke_detached(
            ctypes.byref(buf), self._handle.raw, _lib.encode(function_id, "function_id"), data, size)
        return buf.take().decode("utf-8")
