"""A small HTTP server for the index client's tests (stdlib only).

Serves ROOT on 127.0.0.1 at an ephemeral port, which it writes to PORTFILE
once it listens (the tests wait for that file). Besides static files it does
what the tests need of a real index server, and some faults:

- Range requests (one range, "a-b" or "-n"), unless the path has /norange/.
- ETag and If-None-Match (304), Cache-Control: max-age=0.
- The JSON form of a simple page (index.json beside index.html) when the
  Accept header asks for application/vnd.pypi.simple.v1+json.
- /private/...: basic auth, user "user" password "secret".
- /flaky/...: the first request of each path gets 503 with Retry-After: 1.
- /down/...: always 503.
- /redirect-file/...: 302 to file:///etc/passwd.
- /redirect-host/...: 302 to the same path under /private/ on "localhost"
  (another host name than the 127.0.0.1 the client asked).
- /huge/...: an endless body.
- /textplain/...: the page with Content-Type text/plain.
- /fresh/...: Cache-Control: max-age=600 (else max-age=0).
- Absolute URLs (a request to a proxy): the URL's path is served.
With a fourth argument (a PEM file holding a certificate and its key) it
serves https; with a fifth (a CA certificate) it also requires a client
certificate that CA signed. Each request is logged to LOG as "METHOD PATH status range=... auth=yes|no".
"""
import base64
import hashlib
import http.server
import os
import sys

ROOT, PORTFILE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
CERT = sys.argv[4] if len(sys.argv) > 4 else None  # PEM with key: serve https
CLIENT_CA = sys.argv[5] if len(sys.argv) > 5 else None  # require client certs it signed
seen = set()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def note(self, status):
        with open(LOG, "a") as f:
            f.write("%s %s %d range=%s auth=%s\n" % (
                self.command, self.path, status, self.headers.get("Range", "-"),
                "yes" if self.headers.get("Authorization") else "no"))

    def send(self, status, body=b"", headers=()):
        self.note(status)
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.startswith("http://"):
            # asked as a proxy: serve the path of the absolute URL
            path = "/" + path.split("/", 3)[3]
            with open(LOG, "a") as f:
                f.write("PROXY %s\n" % self.path)
        if path.startswith("/private/"):
            want = "Basic " + base64.b64encode(b"user:secret").decode()
            if self.headers.get("Authorization") != want:
                return self.send(401, b"no", [("WWW-Authenticate", 'Basic realm="x"')])
            path = path[len("/private"):]
        if path.startswith("/flaky/"):
            if path not in seen:
                seen.add(path)
                return self.send(503, b"busy", [("Retry-After", "1")])
            path = path[len("/flaky"):]
        if path.startswith("/down/"):
            return self.send(503, b"down")
        if path.startswith("/redirect-file/"):
            return self.send(302, b"", [("Location", "file:///etc/passwd")])
        if path.startswith("/redirect-host/"):
            port = self.server.server_address[1]
            rest = path[len("/redirect-host"):]
            return self.send(302, b"", [("Location", "http://localhost:%d/private%s" % (port, rest))])
        if path.startswith("/huge/"):
            self.note(200)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<a>" * 100000
            try:
                while True:
                    self.wfile.write(chunk)
            except OSError:
                return
        ctype = None
        max_age = 0
        if path.startswith("/fresh/"):
            path = path[len("/fresh"):]
            max_age = 600
        if path.startswith("/textplain/"):
            path = path[len("/textplain"):]
            ctype = "text/plain"
        norange = "/norange/" in path
        path = path.replace("/norange/", "/")
        fs = os.path.join(ROOT, path.lstrip("/"))
        if os.path.isdir(fs):
            js = os.path.join(fs, "index.json")
            if "application/vnd.pypi.simple.v1+json" in self.headers.get("Accept", "") and os.path.exists(js):
                fs, ctype = js, ctype or "application/vnd.pypi.simple.v1+json"
            else:
                fs, ctype = os.path.join(fs, "index.html"), ctype or "text/html"
        if not os.path.isfile(fs):
            return self.send(404, b"not found")
        data = open(fs, "rb").read()
        etag = '"%s"' % hashlib.sha256(data).hexdigest()[:16]
        headers = [("Content-Type", ctype or "application/octet-stream"), ("ETag", etag),
                   ("Cache-Control", "max-age=%d" % max_age)]
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, b"", headers)
        rng = self.headers.get("Range")
        if rng and not norange and rng.startswith("bytes="):
            a, b = rng[6:].split("-")
            n = len(data)
            start, end = (n - int(b), n - 1) if a == "" else (int(a), min(int(b), n - 1))
            start = max(start, 0)
            headers.append(("Content-Range", "bytes %d-%d/%d" % (start, end, n)))
            return self.send(206, data[start:end + 1], headers)
        return self.send(200, data, headers)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
if CERT:
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CERT)
    if CLIENT_CA:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(CLIENT_CA)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
