"""Lithops-style configuration, loaded and validated by the library."""
from __future__ import annotations

import ctypes
import json
import os
import threading
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from . import _lib

if TYPE_CHECKING:
    from .engine import Engine


class Config(Mapping[str, Any]):
    """The merged configuration: sections lithops, oracle, oracle_f and
    oracle_oss with defaults filled in and secrets masked. Read it like a dict;
    it also holds the library's handle for Signer.from_config and friends."""

    #: the engine that collects, with this configuration, the jobs of futures made in other processes
    _attach_engine: Engine | None = None

    def __init__(self, handle: _lib.Handle) -> None:
        self._handle = handle
        self._session: _lib.Handle | None = None
        self._session_lock = threading.Lock()
        buf = _lib.Buf()
        _lib.lib.ofn_config_to_json(ctypes.byref(buf), handle.raw)
        self._data: dict[str, Any] = json.loads(buf.take().decode("utf-8"))

    @property
    def handle(self) -> _lib.Handle:
        """The library's handle of this configuration (Signer.from_config and the like take it)."""
        return self._handle

    @property
    def session(self) -> _lib.Handle:
        """The configuration's session, made on first use and shared by every Engine, Storage, Functions and
        FunctionExecutor made from this Config: one set of credentials, one HTTP client and its I/O thread."""
        with self._session_lock:
            if self._session is None:
                raw = ctypes.c_void_p()
                _lib.lib.ofn_session_new(ctypes.byref(raw), self._handle.raw)
                self._session = _SessionHandle(raw.value)
            return self._session

    def __getitem__(self, section: str) -> Any:
        return self._data[section]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return "Config(%r)" % (self._data,)


class _ConfigHandle(_lib.Handle):
    _free = _lib.lib.ofn_config_free


class _SessionHandle(_lib.Handle):
    _free = _lib.lib.ofn_session_free


def _overrides_json(overrides: Mapping[str, Any]) -> bytes | None:
    if not overrides:
        return None
    for section, values in overrides.items():
        if not isinstance(values, dict):
            raise TypeError(
                "override %s must be a dict of keys for that section, e.g. oracle_f={'max_workers': 10}" % section)
    return json.dumps(overrides).encode("utf-8")


def load_config(path: str | os.PathLike[str] | None = None, **overrides: dict[str, Any]) -> Config:
    """Loads the configuration at `path`, or the first one found in Lithops'
    order (LITHOPS_CONFIG_FILE, ./.lithops_config, ~/.lithops/config,
    /etc/lithops/config). Keyword arguments override whole sections' keys:
    load_config(oracle_f={"max_workers": 10}). Raises ConfigError, naming
    the key and section, when it is invalid."""
    raw = ctypes.c_void_p()
    _lib.lib.ofn_config_load(ctypes.byref(raw), _lib.encode(path, "path"), _overrides_json(overrides))
    return Config(_ConfigHandle(raw.value))


def parse_config(yaml_text: str, **overrides: dict[str, Any]) -> Config:
    """Like load_config, from YAML text."""
    raw = ctypes.c_void_p()
    _lib.lib.ofn_config_parse(ctypes.byref(raw), _lib.encode(yaml_text, "yaml_text"), _overrides_json(overrides))
    return Config(_ConfigHandle(raw.value))


def locate_config() -> str | None:
    """The path load_config() would read, or None when there is none."""
    buf = _lib.Buf()
    try:
        _lib.lib.ofn_config_locate(ctypes.byref(buf))
    except KeyError:
        return None
    return buf.take().decode("utf-8")
