#!/usr/bin/env python3
"""A small HTTP/1.1 file server for the network boot tests, bound to 127.0.0.1 only (the QEMU guest reaches it
as 10.0.2.2 through user networking). Serves DIR with Range support (206 + Content-Range, 416), ETag and
Last-Modified, one request per connection, and logs every request (with its Range) to LOG.

  httpd.py DIR --port-file F [--port N] [--log LOG] [--die-after BYTES]

--port 0 (default) picks a free port and writes it to F once listening. --die-after BYTES: the process exits
(os._exit, the connection drops without a proper end) after sending that many body bytes in total: "the
server is killed mid-transfer"; the test then starts it again on the same port.
"""
import argparse, email.utils, os, re, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

a = argparse.ArgumentParser()
a.add_argument("dir"); a.add_argument("--port", type=int, default=0); a.add_argument("--port-file", required=True)
a.add_argument("--log", default=os.devnull); a.add_argument("--die-after", type=int, default=0)
args = a.parse_args()
root = os.path.realpath(args.dir)
sent = 0
lock = threading.Lock()
logf = open(args.log, "a", buffering=1)


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def do_HEAD(self):
        self.serve(head=True)

    def do_GET(self):
        self.serve(head=False)

    def serve(self, head):
        global sent
        rng = self.headers.get("Range")
        logf.write(f"{self.command} {self.path} range={rng or '-'} from={self.client_address[0]}\n")
        path = os.path.realpath(os.path.join(root, self.path.split("?")[0].lstrip("/")))
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            return self.plain(404, "not found\n")
        st = os.stat(path)
        size = st.st_size
        etag = f'"{st.st_ino:x}-{size:x}-{int(st.st_mtime):x}"'
        start, end, code = 0, size - 1, 200
        if rng:
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
            if_range = self.headers.get("If-Range")
            if m and (if_range is None or if_range == etag):
                start = int(m.group(1)); end = int(m.group(2)) if m.group(2) else size - 1
                if start >= size:
                    self.send_response(416); self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0"); self.send_header("Connection", "close")
                    self.end_headers(); return
                end = min(end, size - 1); code = 206
        self.send_response(code)
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
        if code == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        with open(path, "rb") as f:
            f.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = f.read(min(65536, left))
                if not chunk:
                    break
                if args.die_after:
                    with lock:
                        if sent + len(chunk) >= args.die_after:
                            self.wfile.write(chunk[: max(0, args.die_after - sent)]); self.wfile.flush()
                            logf.write(f"DIED after {args.die_after} bytes\n"); logf.flush()
                            os._exit(3)
                        sent += len(chunk)
                self.wfile.write(chunk)
                left -= len(chunk)

    def plain(self, code, text):
        body = text.encode()
        self.send_response(code); self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close"); self.end_headers(); self.wfile.write(body)


class S(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128


srv = S(("127.0.0.1", args.port), H)
tmp = args.port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(srv.server_address[1]))
os.replace(tmp, args.port_file)
srv.serve_forever()
