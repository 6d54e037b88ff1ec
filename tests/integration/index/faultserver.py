#!/usr/bin/env python3
"""A package index server that misbehaves on request (stdlib only).

    faultserver.py ROOT PORTFILE LOGFILE

Serves the mkindex.py tree at ROOT on 127.0.0.1, an ephemeral port written to
PORTFILE once listening. The first path component picks the behaviour for
the rest of the path (which is looked up under ROOT):

  /ok/...          served normally (index.json when Accept asks for PEP 691 JSON)
  /500/...         500 Internal Server Error, always
  /500once/...     500 the first time each path is asked, then served
  /429/...         429 with Retry-After: 1 the first time each path is asked
  /429always/...   429 with Retry-After: 1, always
  /truncated/...   files: the Content-Length of the whole, half the bytes, close
  /badhash/...     files (wheels and .metadata): one byte changed
  /redirect/...    302 to /ok/... (a relative Location)
  /loop/...        302 to itself
  /slow/...        headers, then nothing for 30 s (a client must time out)
  /hang/...        reads the request, then never answers (the connection stays open)
  /stall/...       files: headers and half the body, then nothing, never closing
  /huge/...        files: a Content-Length of 5 GiB, then nothing
  /tofile/...      302 to file:///etc/passwd (a scheme no redirect may reach)
  /html/...        pages always as HTML (ignores Accept)
  /badtype/...     pages with Content-Type: text/plain
  /api2/...        pages claiming api-version 2.0 / repository-version 2.0

A second socket listens but never accepts: its port is written to
PORTFILE.silent (TCP connects succeed, a TLS handshake never does).

A project missing from ROOT answers 404. Each request is logged to LOGFILE as
"METHOD PATH STATUS accept=... auth=yes|no range=...", flushed at once.
"""
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT, PORTFILE, LOGFILE = sys.argv[1], sys.argv[2], sys.argv[3]
seen = set()
lock = threading.Lock()
logf = open(LOGFILE, "a", buffering=1)
JSON = "application/vnd.pypi.simple.v1+json"
never = threading.Event()  # never set: what a hung server waits for


def first_time(key):
    with lock:
        if key in seen:
            return False
        seen.add(key)
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def log(self, status):
        logf.write("%s %s %d accept=%s auth=%s range=%s\n" % (
            self.command, self.path, status, self.headers.get("Accept", ""),
            "yes" if self.headers.get("Authorization") else "no",
            self.headers.get("Range", "")))

    def reply(self, status, body=b"", ctype="text/plain", headers=(), length=None):
        self.log(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        parts = path.split("/", 2)
        if len(parts) < 3:
            return self.reply(404, b"not found\n")
        mode, rest = parts[1], "/" + parts[2]
        if mode == "500":
            return self.reply(500, b"internal error\n")
        if mode == "500once" and first_time(path):
            return self.reply(500, b"internal error\n")
        if mode == "429" and first_time(path) or mode == "429always":
            return self.reply(429, b"slow down\n", headers=[("Retry-After", "1")])
        if mode == "redirect":
            return self.reply(302, headers=[("Location", "/ok" + rest)])
        if mode == "loop":
            return self.reply(302, headers=[("Location", path)])
        if mode == "hang":
            self.log(0)
            never.wait()
            return
        if mode == "tofile":
            return self.reply(302, headers=[("Location", "file:///etc/passwd")])
        if mode == "slow":
            self.log(200)
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.flush()
            time.sleep(30)
            return
        local = os.path.normpath(os.path.join(ROOT, rest.lstrip("/")))
        if not local.startswith(os.path.normpath(ROOT)):
            return self.reply(404, b"not found\n")
        page = os.path.isdir(local)
        if page:
            want_json = JSON in self.headers.get("Accept", "") and mode != "html"
            local = os.path.join(local, "index.json" if want_json else "index.html")
            ctype = JSON if want_json else "text/html"
            if mode == "badtype":
                ctype = "text/plain"
        else:
            ctype = "application/octet-stream"
        if not os.path.isfile(local):
            return self.reply(404, b"not found\n")
        with open(local, "rb") as f:
            body = f.read()
        if page and mode == "api2":
            body = body.replace(b'"api-version": "1.1"', b'"api-version": "2.0"').replace(
                b'content="1.1"', b'content="2.0"')
        if not page and mode == "badhash" and body:
            body = body[:-1] + bytes([body[-1] ^ 1])
        if not page and mode in ("stall", "huge"):
            self.log(200)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body) if mode == "stall" else 5 << 30))
            self.end_headers()
            if mode == "stall":
                self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            never.wait()
            return
        if not page and mode == "truncated":
            self.log(200)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        headers = [("Vary", "Accept")] if page else []
        self.reply(200, body, ctype, headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
silent = socket.socket()
silent.bind(("127.0.0.1", 0))
silent.listen(64)
for name, port in ((PORTFILE + ".silent", silent.getsockname()[1]),
                   (PORTFILE, srv.server_address[1])):
    with open(name + ".tmp", "w") as f:
        f.write(str(port))
    os.replace(name + ".tmp", name)
try:
    srv.serve_forever()
except KeyboardInterrupt:
    pass
