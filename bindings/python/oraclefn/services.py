"""Functions management requests the library does not export yet, signed by its Signer: finding or creating
the application and the function the Python runtime is deployed as, and the tenancy's namespace its image is
named with.

One keep-alive connection per thread and endpoint.
"""
import http.client
import json
import threading
import urllib.parse

from . import errors
from .signer import Signer

_ERRORS_BY_HTTP_STATUS = {400: errors.InvalidArgumentError, 401: errors.AuthError, 404: errors.NotFoundError,
                          409: errors.ConflictError, 413: errors.PayloadTooLargeError, 429: errors.ThrottledError}


def _quote(text):
    return urllib.parse.quote(text, safe="")


class OCIClient:
    """Signed HTTP requests to the configuration's Functions (and Object Storage) endpoints."""

    def __init__(self, config, timeout=60):
        self.config = config
        self._signer = Signer.from_config(config)
        region = config["oracle"]["region"]
        self.functions_endpoint = config["oracle_f"].get("endpoint") or f"https://functions.{region}.oci.oraclecloud.com"
        self.storage_endpoint = config["oracle_oss"].get("endpoint") or f"https://objectstorage.{region}.oraclecloud.com"
        self._timeout = timeout
        self._local = threading.local()

    def request(self, method, url, body=None, json_body=None, what="the request"):
        """The answer's (status, body); raises the matching OracleFnError for an error answer."""
        headers = {}
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            headers["content-type"] = "application/json"
        signed = self._signer.sign(method, url, headers, body if body is not None else (b"" if method in ("POST", "PUT") else None))
        parts = urllib.parse.urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile is opened again once
            connection = self._connection(parts)
            try:
                connection.request(method, path, body=body if body is not None else b"", headers=signed)
                answer = connection.getresponse()
                data = answer.read()
                break
            except (http.client.HTTPException, OSError) as error:
                connection.close()
                self._local.connections.pop((parts.scheme, parts.netloc), None)
                if attempt == 2:
                    raise errors.NetworkError(f"{what} failed: cannot reach {parts.netloc} ({error}); check the "
                                              "endpoint in the configuration and the network") from None
        if answer.status >= 400:
            try:
                detail = json.loads(data)
                code, message = detail.get("code", ""), detail.get("message", "")
            except (ValueError, AttributeError):
                code, message = "", data[:200].decode("utf-8", "replace")
            kind = _ERRORS_BY_HTTP_STATUS.get(answer.status, errors.ServiceError)
            raise kind(f"{what} failed: {answer.status} {code}: {message}", code, answer.status,
                       answer.getheader("opc-request-id", ""))
        return answer.status, data

    def is_emulator(self):
        """Whether the Functions endpoint is an oraclefn emulator: only the configuration's own endpoint can be,
        and only the emulator serves its handlers' logs there."""
        if not self.config["oracle_f"].get("endpoint"):
            return False
        try:
            status, _ = self.request("GET", f"{self.functions_endpoint}/oraclefn/logs?limit=1",
                                     what="asking the Functions endpoint whether it is the oraclefn emulator")
        except errors.NotFoundError:
            return False
        return status == 200

    def namespace(self):
        """The tenancy's Object Storage namespace (also its registry namespace): oracle.tenancy_namespace, else
        asked of Object Storage."""
        known = self.config["oracle"].get("tenancy_namespace")
        if known:
            return known
        _, data = self.request("GET", f"{self.storage_endpoint}/n/", what="reading the tenancy's namespace")
        return json.loads(data)

    def _connection(self, parts):
        connections = getattr(self._local, "connections", None)
        if connections is None:
            connections = self._local.connections = {}
        key = (parts.scheme, parts.netloc)
        if key not in connections:
            kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            connections[key] = kind(parts.netloc, timeout=self._timeout)
        return connections[key]

    def close(self):
        for connection in getattr(self._local, "connections", {}).values():
            connection.close()
        self._signer.close()


class Functions:
    """Functions management: finding or creating an application and a function."""

    API = "20181201"

    def __init__(self, client):
        self._client = client

    def _url(self, suffix):
        return f"{self._client.functions_endpoint}/{self.API}{suffix}"

    def application(self, name):
        """The id of the application `name` in the configured compartment, created when missing."""
        compartment = self._client.config["oracle"]["compartment_id"]
        query = urllib.parse.urlencode({"compartmentId": compartment, "displayName": name})
        _, data = self._client.request("GET", self._url(f"/applications?{query}"), what=f"looking up application {name}")
        existing = [a for a in json.loads(data) if a.get("lifecycleState") != "DELETED"]
        if existing:
            return existing[0]["id"]
        _, data = self._client.request("POST", self._url("/applications"), json_body={
            "compartmentId": compartment, "displayName": name,
            "subnetIds": [self._client.config["oracle_f"]["subnet_id"]]}, what=f"creating application {name}")
        return json.loads(data)["id"]

    def function(self, application_id, name, image, memory, timeout, config=None, tags=None):
        """The id of function `name` in the application, created with `image` (and `config`, its environment,
        and freeform `tags`) when missing; its image, memory, timeout and (when given) config updated when they
        differ."""
        query = urllib.parse.urlencode({"applicationId": application_id, "displayName": name})
        _, data = self._client.request("GET", self._url(f"/functions?{query}"), what=f"looking up function {name}")
        wanted = {"image": image, "memoryInMBs": memory, "timeoutInSeconds": timeout}
        if config is not None:
            wanted["config"] = config
        existing = [f for f in json.loads(data) if f.get("lifecycleState") != "DELETED"]
        if not existing:
            _, data = self._client.request("POST", self._url("/functions"), json_body={
                "applicationId": application_id, "displayName": name, "freeformTags": tags or {}, **wanted},
                what=f"creating function {name}")
            return json.loads(data)["id"]
        # a listing leaves the config out, so the function itself is read
        _, data = self._client.request("GET", self._url(f"/functions/{_quote(existing[0]['id'])}"),
                                       what=f"reading function {name}")
        current = json.loads(data)
        if any((current.get(key) or ({} if key == "config" else None)) != value for key, value in wanted.items()):
            self._client.request("PUT", self._url(f"/functions/{_quote(current['id'])}"), json_body=wanted,
                                 what=f"updating function {name}")
        return current["id"]
