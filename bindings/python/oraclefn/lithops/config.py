"""lithops.config: Lithops' configuration functions, giving complete configuration dicts that oraclefn's
FunctionExecutor and Storage take (sections lithops, oracle, oracle_f, oracle_oss, checked by the library)."""
from __future__ import annotations

import copy
import json
import os
from typing import Any, Mapping

from .. import config as _config
from .constants import LITHOPS_DEFAULT_CONFIG_KEYS

__all__ = ["load_yaml_config", "load_config", "default_config", "default_storage_config", "extract_storage_config",
           "extract_serverless_config", "extract_localhost_config", "extract_standalone_config", "get_log_info",
           "get_default_config_filename"]

_MASK = "<masked>"


def load_yaml_config(config_filename: str | os.PathLike[str]) -> dict[str, Any]:
    """The YAML file as a dict ({} when it does not exist)."""
    try:
        with open(config_filename) as handle:
            text = handle.read()
    except FileNotFoundError:
        return {}
    try:
        import yaml
    except ImportError:  # the library reads YAML too (secrets come back masked)
        parsed: dict[str, Any] = json.loads(json.dumps(dict(_config.parse_config(text)._data)))
        return parsed
    loaded: dict[str, Any] = yaml.safe_load(text) or {}
    return loaded


def get_default_config_filename() -> str | None:
    """The configuration file Lithops (and oraclefn) would read, or None."""
    return _config.locate_config()


def load_config(config_file: str | None = None, log: bool = True) -> dict[str, Any]:
    """The configuration as a dict: LITHOPS_CONFIG (JSON), else `config_file`, else where Lithops looks, else
    the embedded emulator's (oraclefn's offline default)."""
    if config_file is None and os.environ.get("LITHOPS_CONFIG"):
        from_environment: dict[str, Any] = json.loads(os.environ["LITHOPS_CONFIG"])
        return from_environment
    path = config_file or _config.locate_config()
    if path is None:
        from .. import emulator
        path = emulator.shared().config_file
    elif not os.path.exists(path):
        raise FileNotFoundError(f"the configuration file {path} does not exist")
    data = load_yaml_config(path)
    folder = os.path.dirname(os.path.abspath(path))
    for section in ("oracle", "oracle_f", "oracle_oss"):  # key files are found beside the file, as the library does
        values = data.get(section) or {}
        for key in ("key_file", "security_token_file", "config_file"):
            if isinstance(values.get(key), str) and not os.path.isabs(os.path.expanduser(values[key])):
                values[key] = os.path.join(folder, values[key])
    return data


def default_config(config_file: str | None = None, config_data: Mapping[str, Any] | None = None,
                   config_overwrite: Mapping[str, Any] | None = None,
                   load_storage_config: bool = True) -> dict[str, Any]:
    """A complete configuration dict from `config_data` (else `config_file`, else where Lithops looks), with
    `config_overwrite` applied ({"lithops": {...}, "backend": {...}} as Lithops takes it) and every default
    filled in, checked by the library (a ConfigError names the key and the section)."""
    data = dict(copy.deepcopy(config_data)) if config_data is not None else load_config(config_file)
    overwrite = config_overwrite or {}
    lithops = data.get("lithops") or {}
    data["lithops"] = lithops
    lithops.update(overwrite.get("lithops") or {})
    lithops.setdefault("backend", "oracle_f")
    lithops.setdefault("storage", "oracle_oss")
    backend = lithops["backend"]
    if not data.get(backend):
        data[backend] = {}
    data[backend].update(overwrite.get("backend") or {})
    from ..executor import _default_bucket

    parsed = _config.parse_config(json.dumps(data))
    for section in parsed:
        values = data.get(section) or {}
        data[section] = values
        for key, value in parsed[section].items():
            if value != _MASK:
                values.setdefault(key, value)
    data["lithops"].setdefault("chunksize", data.get(backend, {}).get("worker_processes", 1))
    for key, value in LITHOPS_DEFAULT_CONFIG_KEYS.items():
        data["lithops"].setdefault(key, value)
    data["oracle_oss"].setdefault("storage_bucket", _default_bucket(parsed))
    return data


def default_storage_config(config_file: str | None = None, config_data: Mapping[str, Any] | None = None,
                           backend: str | None = None) -> dict[str, Any]:
    """default_config(), for storage."""
    data = default_config(config_file=config_file, config_data=config_data)
    if backend is not None:
        data["lithops"]["storage"] = backend
    return data


def extract_storage_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """What Storage(storage_config=...) takes, in Lithops' shape: {"backend", "<backend>": its section, with the
    account's keys merged in}."""
    backend = config["lithops"].get("storage", "oracle_oss")
    section = {**dict(config.get("oracle") or {}), **dict(config.get(backend) or {})}
    return {"monitoring_interval": config["lithops"].get("monitoring_interval", 2), "backend": backend,
            backend: section}


def extract_serverless_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The compute backend's section and the lithops section, as Lithops' extract_serverless_config."""
    backend = config["lithops"].get("backend", "oracle_f")
    return {"backend": backend, backend: dict(config.get(backend) or {}), "lithops": dict(config["lithops"])}


def extract_localhost_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The localhost section and the lithops section, as Lithops' extract_localhost_config."""
    return {**dict(config.get("localhost") or {}), "lithops": dict(config["lithops"])}


def extract_standalone_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The lithops section, as Lithops' extract_standalone_config (oraclefn has no standalone backend)."""
    return {"lithops": dict(config["lithops"])}


def get_log_info(config_file: str | None = None,
                 config_data: Mapping[str, Any] | None = None) -> tuple[Any, Any, Any, Any]:
    """(log level, format, stream, filename) of the lithops section, as Lithops reads them."""
    from .constants import LOGGER_FORMAT, LOGGER_LEVEL, LOGGER_STREAM

    try:
        data = config_data if config_data is not None else load_config(config_file)
    except Exception:
        data = {}
    lithops = (data or {}).get("lithops") or {}
    return (lithops.get("log_level", LOGGER_LEVEL), lithops.get("log_format", LOGGER_FORMAT),
            lithops.get("log_stream", LOGGER_STREAM), lithops.get("log_filename"))
