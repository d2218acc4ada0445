"""A loopback HTTP/1.1 server for the transport tests (plain, or TLS with --tls CERT KEY).

Prints "listening PORT" as its first line, then serves until killed.
  ANY  /echo            -> JSON: method, path, headers, body length and SHA-256, client port
  GET  /bytes?n=N       -> N bytes, byte i = i % 251
  ANY  /flaky/ID?fail=K&status=S[&code=C][&retry_after=R]
                        -> the first K requests for ID answer S (JSON {"code","message"}), later ones 200 "ok"
  GET  /count/ID        -> how many requests /flaky/ID has had
  GET  /slow?delay=S    -> waits S seconds, then 200 "late"
  GET  /drop            -> closes the connection without answering
"""
import hashlib
import json
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

hits = {}
hits_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length", "0"))
        digest, left = hashlib.sha256(), length
        while left > 0:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            left -= len(chunk)
        return length - left, digest.hexdigest()

    def handle_any(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length, sha = self.read_body()
        if url.path == "/echo":
            body = json.dumps({
                "method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                "length": length, "sha256": sha, "client_port": self.client_address[1],
            }).encode()
            self.answer(200, body, [("Content-Type", "application/json"), ("opc-request-id", "echo-1")])
        elif url.path == "/bytes":
            n = int(query.get("n", "0"))
            self.answer(200, bytes(i % 251 for i in range(n)) if n < 4096 else (bytes(range(251)) * (n // 251 + 1))[:n])
        elif url.path.startswith("/flaky/"):
            key = url.path[len("/flaky/"):]
            with hits_lock:
                hits[key] = hits.get(key, 0) + 1
                n = hits[key]
            if n <= int(query.get("fail", "0")):
                status = int(query.get("status", "503"))
                body = json.dumps({"code": query.get("code", "Failure"), "message": "injected failure %d" % n}).encode()
                extra = [("Retry-After", query["retry_after"])] if "retry_after" in query else []
                self.answer(status, body, [("Content-Type", "application/json")] + extra)
            else:
                self.answer(200, b"ok")
        elif url.path.startswith("/count/"):
            with hits_lock:
                self.answer(200, str(hits.get(url.path[len("/count/"):], 0)).encode())
        elif url.path == "/slow":
            time.sleep(float(query.get("delay", "1")))
            self.answer(200, b"late")
        elif url.path == "/drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self.answer(404, json.dumps({"code": "NotFound", "message": "no route " + url.path}).encode(),
                        [("Content-Type", "application/json")])

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512


def main():
    server = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
