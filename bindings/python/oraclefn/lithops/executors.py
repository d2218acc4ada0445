"""lithops.executors: FunctionExecutor with Lithops' signature, on oraclefn's executor.

    FunctionExecutor(mode=None, config=None, config_file=None, backend=None, storage=None, monitoring=None,
                     log_level=False, **kwargs)

`config` is a configuration dict (lithops.config.default_config() makes one), `config_file` a Lithops file;
neither: the one found where Lithops looks, else the embedded emulator. `backend` is oracle_f and `storage`
oracle_oss (the only ones oraclefn runs); `mode` is serverless. `**kwargs` go to the oracle_f section
(max_workers, runtime, runtime_memory, ...), as in Lithops. LocalhostExecutor runs on the embedded emulator,
on this machine.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

from .. import errors
from ..config import Config
from ..executor import FunctionExecutor as _OracleFnExecutor
from .constants import LOCALHOST, SERVERLESS, STANDALONE

__all__ = ["FunctionExecutor", "LocalhostExecutor", "ServerlessExecutor", "StandaloneExecutor"]


def _omit_none(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The entries that are set (None leaves the configuration as it is)."""
    return {key: value for key, value in mapping.items() if value is not None}


def _missing_plotting_extra(method_name: str) -> ModuleNotFoundError:
    return ModuleNotFoundError(f"{method_name}() draws with matplotlib, which is not installed: pip install "
                               "'oraclefn[plots]' (or pip install matplotlib)")


class FunctionExecutor(_OracleFnExecutor):
    """oraclefn's FunctionExecutor with lithops.FunctionExecutor's signature."""

    def __init__(self, mode: str | None = None, config: Config | Mapping[str, Any] | None = None,
                 config_file: str | os.PathLike[str] | None = None, backend: str | None = None,
                 storage: str | None = None, monitoring: str | None = None, log_level: str | bool | None = False,
                 **kwargs: Any) -> None:
        if mode not in (None, SERVERLESS):
            raise errors.ConfigError(
                f"mode {mode!r} is not available: oraclefn runs Lithops programs in serverless mode, on Oracle "
                "Functions (or on its emulator, offline)")
        _check_backends(backend, storage)
        overrides = _omit_none({"mode": mode, "backend": backend, "storage": storage, "monitoring": monitoring})
        if log_level:
            overrides["log_level"] = log_level
        super().__init__(config=config, config_file=config_file, **overrides, **_omit_none(kwargs))


def _check_backends(backend: str | None, storage: str | None) -> None:
    if backend not in (None, "oracle_f"):
        raise errors.ConfigError(f"backend {backend!r} is not available: oraclefn runs Lithops programs on Oracle "
                                 "Functions (backend oracle_f), or on its emulator with no configuration at all")
    if storage not in (None, "oracle_oss"):
        raise errors.ConfigError(f"storage {storage!r} is not available: oraclefn keeps a job's data in OCI Object "
                                 "Storage (storage oracle_oss)")


class _FixedModeExecutor(FunctionExecutor):
    """A FunctionExecutor whose mode is fixed."""

    _mode: str | None = None

    def __init__(self, config: Config | Mapping[str, Any] | None = None,
                 config_file: str | os.PathLike[str] | None = None, backend: str | None = None,
                 storage: str | None = None, monitoring: str | None = None, log_level: str | bool | None = False,
                 **kwargs: Any) -> None:
        super().__init__(mode=self._mode, config=config, config_file=config_file, backend=backend,
                         storage=storage, monitoring=monitoring, log_level=log_level, **kwargs)


class ServerlessExecutor(_FixedModeExecutor):
    """FunctionExecutor on Oracle Functions."""

    _mode = SERVERLESS


class StandaloneExecutor(_FixedModeExecutor):
    """Refused: oraclefn runs on Oracle Functions, not on virtual machines."""

    _mode = STANDALONE


class LocalhostExecutor(_OracleFnExecutor):
    """A FunctionExecutor that runs on this machine: on the embedded emulator (oraclefn's local mode: the real
    worker, under the fdk, in processes of this machine). `config` is used for its lithops section only."""

    def __init__(self, config: Config | Mapping[str, Any] | None = None,
                 config_file: str | os.PathLike[str] | None = None, storage: str | None = None,
                 monitoring: str | None = None, log_level: str | bool | None = False, **kwargs: Any) -> None:
        from .. import emulator

        lithops = dict((config or {}).get("lithops") or {}) if isinstance(config, dict) else {}
        overrides = {key: value for key, value in lithops.items()
                     if key in ("log_level", "data_cleaner", "retries", "chunksize", "execution_timeout")}
        if log_level:
            overrides["log_level"] = log_level
        super().__init__(config_file=emulator.shared().config_file, **overrides, **_omit_none(kwargs))
        self.mode = LOCALHOST
        self.backend = LOCALHOST
