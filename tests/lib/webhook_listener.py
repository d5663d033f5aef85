#!/usr/bin/env python3
"""webhook_listener.py SECRET PORTFILE LOG [FAIL_FIRST] - a webhook receiver
on 127.0.0.1 for the server's tests: each POST is checked against its
X-Customs-Signature (sha256=HMAC-SHA256(SECRET, body), computed here with
Python's hmac, not customs' code) and logged as one JSON line: event,
delivery id, whether the signature is valid, the body.  The first
FAIL_FIRST requests are answered 503 (the sender must try again)."""
import hashlib
import hmac
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

secret, portfile, log = sys.argv[1].encode(), sys.argv[2], sys.argv[3]
fail_first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
seen = 0


class H(BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        seen += 1
        want = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        got = self.headers.get("X-Customs-Signature", "")
        rec = {"n": seen, "event": self.headers.get("X-Customs-Event"), "delivery": self.headers.get("X-Customs-Delivery"),
               "valid": hmac.compare_digest(want, got), "answered": 503 if seen <= fail_first else 200}
        try:
            rec["body"] = json.loads(body)
        except ValueError:
            rec["body"] = None
        with open(log, "a") as f:
            f.write(json.dumps(rec) + "\n")
        self.send_response(rec["answered"])
        self.end_headers()

    def log_message(self, *a):
        pass


srv = HTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
