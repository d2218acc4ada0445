"""lithops.storage: Storage is oraclefn's (oraclefn.storage.Storage), which takes Lithops' arguments:
Storage(config=None, backend=None, storage_config=None)."""
from ...storage import Storage

__all__ = ["Storage"]
