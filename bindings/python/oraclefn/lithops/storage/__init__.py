"""lithops.storage: Storage is oraclefn's (oraclefn.storage.Storage), made from what Lithops passes it:
Storage(config=None, backend=None, storage_config=None)."""
import inspect
import json

from ... import storage as _storage

__all__ = ["Storage"]

if "storage_config" in inspect.signature(_storage.Storage.__init__).parameters:
    Storage = _storage.Storage
else:
    class Storage(_storage.Storage):
        """oraclefn's Storage, taking Lithops' arguments: a configuration dict, or the storage configuration
        lithops.config.extract_storage_config() gives (sections "backend" and "oracle_oss")."""

        def __init__(self, config=None, backend=None, storage_config=None):
            from ... import config as config_module
            from ...executor import default_config

            if storage_config is not None:
                section = dict(storage_config[storage_config.get("backend", "oracle_oss")])
                sections = {"lithops": {"backend": "oracle_f", "storage": "oracle_oss"}, "oracle": section,
                            "oracle_oss": section,
                            "oracle_f": {"subnet_id": section.get("subnet_id") or "ocid1.subnet.oc1..storageonly"}}
                loaded = config_module.parse_config(json.dumps(sections))
            elif isinstance(config, dict):
                loaded = config_module.parse_config(json.dumps(config))
            elif config is not None:
                loaded = _storage.as_config(config)
            else:
                loaded = default_config()
            super().__init__(loaded)
            if self.bucket is None:
                from ...executor import _default_bucket
                self.bucket = _default_bucket(loaded)
