"""lithops.future: the future of one call (oraclefn.futures.ResponseFuture), and two helpers of Lithops' module
that code around it imports."""
from __future__ import annotations

import pickle
from typing import Any, Mapping

from ..futures import ResponseFuture, State

__all__ = ["ResponseFuture", "State"]

_STAT_KEY_PREFIXES = ("func", "host", "worker")


def _stats_from_prefixed_keys(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of a status that are statistics, told apart by their key prefix."""
    return {key: value for key, value in mapping.items() if any(key.startswith(p) for p in _STAT_KEY_PREFIXES)}


def _pickle_from_encoded(encoded: str) -> Any:
    """A value Lithops' worker put in a call status as the repr() of its pickle. oraclefn's statuses carry no
    such strings; this reads Lithops' (bytes literals only)."""
    import ast

    return pickle.loads(ast.literal_eval(encoded))
