"""http_server.py ROOT PORTFILE LOG - a file server on 127.0.0.1 (a free
port, written to PORTFILE) for the tests of `db update` and of `scan`
fetching a missing database: it speaks ETag as well as Last-Modified
(http.server alone only does Last-Modified) and logs every request, one line
each: "PATH STATUS inm=IF-NONE-MATCH ims=IF-MODIFIED-SINCE".
"""
import http.server, os, socketserver, sys
root, portfile, log = sys.argv[1], sys.argv[2], open(sys.argv[3], "a", buffering=1)
class H(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
    def etag(self):
        p = self.translate_path(self.path)
        if not os.path.isfile(p):
            return None
        st = os.stat(p)
        return '"%x-%x"' % (st.st_mtime_ns, st.st_size)
    def send_head(self):
        tag = self.etag()
        if tag and self.headers.get("If-None-Match") == tag:
            self.send_response(304)
            self.send_header("ETag", tag)
            self.end_headers()
            return None
        return super().send_head()
    def end_headers(self):
        tag = self.etag()
        if tag and not any(h.startswith(b"ETag") for h in getattr(self, "_headers_buffer", [])):
            self.send_header("ETag", tag)
        super().end_headers()
    def log_request(self, code="-", size="-"):
        log.write("%s %s inm=%s ims=%s\n" % (self.path, code, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")))
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
open(portfile, "w").write(str(s.server_address[1]))
s.serve_forever()
