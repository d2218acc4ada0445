"""OCI HTTP request signatures (version 1, rsa-sha256)."""
from __future__ import annotations

import ctypes
import json
import os
from typing import Mapping

from . import _lib
from .config import Config, load_config


class _SignerHandle(_lib.Handle):
    _free = _lib.lib.ofn_signer_free


class Signer(_lib.HandleOwner):
    """Signs requests with an API key, as the oci SDK's Signer does.

    >>> s = Signer("~/.oci/key.pem", "<tenancy>/<user>/<fingerprint>")
    >>> headers = s.sign("GET", "https://objectstorage.eu-madrid-1.oraclecloud.com/n/", {})
    """

    def __init__(self, key_file: str | os.PathLike[str], key_id: str, pass_phrase: str | None = None) -> None:
        raw = ctypes.c_void_p()
        _lib.lib.ofn_signer_new(
            ctypes.byref(raw), _lib.encode(key_file, "key_file"), _lib.encode(key_id, "key_id"),
            _lib.encode(pass_phrase, "pass_phrase"))
        self._handle = _SignerHandle(raw.value)
        self.key_id = key_id

    @classmethod
    def from_config(cls, cfg: Config | str | os.PathLike[str] | None = None) -> Signer:
        """The signer of a configuration: a Config, a path, or None to load the
        usual one."""
        if not isinstance(cfg, Config):
            cfg = load_config(cfg)
        raw = ctypes.c_void_p()
        _lib.lib.ofn_signer_from_config(ctypes.byref(raw), cfg.handle.raw)
        self = cls.__new__(cls)
        self._handle = _SignerHandle(raw.value)
        oracle = cfg["oracle"]
        self.key_id = "%s/%s/%s" % (oracle["tenancy"], oracle["user"], oracle["fingerprint"])
        return self

    def sign(self, method: str, url: str, headers: Mapping[str, object] | None = None,
             body: str | bytes | bytearray | memoryview | None = None, sign_body: bool | None = None) -> dict[str, str]:
        """Every header to send for this request, names in lowercase, with
        "authorization". A "date" or "x-date" in `headers` is used as given,
        else the current time. `sign_body` None applies OCI's rule (body signed
        on POST, PUT and PATCH except Object Storage PutObject and UploadPart);
        True or False forces it."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        if body is not None and not isinstance(body, (bytes, bytearray, memoryview)):
            raise TypeError("body must be bytes or str, not %s" % type(body).__name__)
        if sign_body not in (None, True, False):
            raise TypeError("sign_body must be None, True or False")
        headers_json = json.dumps({str(k): str(v) for k, v in (headers or {}).items()}).encode("utf-8")
        data = bytes(body) if body is not None else None
        buf = _lib.Buf()
        _lib.lib.ofn_signer_sign(
            ctypes.byref(buf), self._handle.raw, _lib.encode(method, "method"), _lib.encode(url, "url"),
            headers_json, data, len(data) if data is not None else 0,
            -1 if sign_body is None else int(sign_body))
        signed: dict[str, str] = json.loads(buf.take().decode("utf-8"))
        return signed
