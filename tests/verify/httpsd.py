#!/usr/bin/env python3
"""A static HTTPS server on 127.0.0.1 for the TLS boot: serves DIR with CERT/KEY on a free port, written to
PORTFILE. Usage: httpsd.py DIR CERT KEY PORTFILE LOG"""
import http.server, ssl, sys, functools

root, cert, key, portfile, log = sys.argv[1:6]
logf = open(log, "a", buffering=1)

class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        logf.write("%s %s\n" % (self.command, self.path))

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=root))
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(portfile, "w").write(str(srv.server_address[1]))
srv.serve_forever()
