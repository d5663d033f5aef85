#!/usr/bin/env python3
"""openapi_check.py OPENAPI ROUTES_C BASE TOKEN CASES - the server against
its OpenAPI file: every route of the server's table (src/server/routes.c) is
in the file and every operation of the file is a route; each operation,
called as CASES says ({"GET /v1/images/{digest}": {"url": ..., "body": ...}}
or "body_file": a file sent as it is,
and "errors": [{"op", "url", "method", "body", "headers", "status"}]),
answers with its documented success status and a body valid against the
documented schema (JSON Schema 2020-12, OpenAPI 3.1); each error case with
its status, documented for that operation, and a body valid against Error.
Prints one line per check ("ok - ..." / "not ok - ..."); exit 1 on a failure."""
import json
import re
import sys
import urllib.error
import urllib.request

from jsonschema import Draft202012Validator


def main():
    api_path, routes_c, base, token, cases_path = sys.argv[1:6]
    doc = json.load(open(api_path))
    cases = json.load(open(cases_path))
    fails = 0

    def report(ok, what):
        nonlocal fails
        print(("ok - " if ok else "not ok - ") + what)
        fails += 0 if ok else 1

    # the server's table: {"GET", "/v1/images/{}", ...}
    table = re.findall(r'\{"([A-Z]+)", "(/[^"]*)", ACCESS_', open(routes_c).read())
    ops = []
    for path, item in doc["paths"].items():
        for method in ("get", "put", "post", "delete", "patch"):
            if method in item:
                ops.append((method.upper(), path, item[method]))
    doc_routes = {(m, re.sub(r"\{[^}]+\}", "{}", p)) for m, p, _ in ops}
    for m, p in table:
        report((m, p) in doc_routes, "the server's route %s %s is in the OpenAPI file" % (m, p))
    for m, p, _ in ops:
        report((m, re.sub(r"\{[^}]+\}", "{}", p)) in set(table), "the file's %s %s is a route of the server" % (m, p))

    def schema_of(op, status, ctype="application/json"):
        r = op["responses"].get(str(status))
        if not r:
            return None
        return r.get("content", {}).get(ctype, {}).get("schema")

    def validate(schema, body):
        root = dict(schema)
        root["components"] = doc["components"]
        errs = sorted(Draft202012Validator(root).iter_errors(body), key=lambda e: list(e.path))
        return "; ".join("%s: %s" % ("/".join(map(str, e.path)), e.message[:200]) for e in errs[:3])

    def call(method, url, body=None, headers=None):
        h = {"Authorization": "Bearer " + token}
        h.update(headers or {})
        data = None
        if body is not None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        req = urllib.request.Request(base + url, data=data, method=method, headers={k: v for k, v in h.items() if v is not None})
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read()

    # DELETE last: it removes what the others read
    for m, p, op in sorted(ops, key=lambda o: o[0] == "DELETE"):
        key = "%s %s" % (m, p)
        c = cases.get(key)
        if c is None:
            report(False, "%s: the test has a case for it" % key)
            continue
        want = min(int(s) for s in op["responses"] if s.startswith("2"))
        body = open(c["body_file"]).read() if "body_file" in c else c.get("body")
        status, ctype, raw = call(m, c["url"], body)
        report(status == want, "%s (%s): status %d, documented %d" % (key, c["url"], status, want))
        if ctype.startswith("application/json"):
            schema = schema_of(op, want)
            try:
                body = json.loads(raw)
            except ValueError as e:
                report(False, "%s: a JSON body (%s)" % (key, e))
                continue
            err = validate(schema, body) if schema else "no schema documented"
            report(not err, "%s: the body is valid against its schema%s" % (key, ": " + err if err else ""))
        else:
            report(schema_of(op, want, ctype.split(";")[0]) is not None, "%s: %s is documented" % (key, ctype))
    for e in cases.get("errors", []):
        op = next((o for m, p, o in ops if "%s %s" % (m, p) == e["op"]), None)
        body = open(e["body_file"]).read() if "body_file" in e else e.get("body")
        status, ctype, raw = call(e.get("method", e["op"].split()[0]), e["url"], body, e.get("headers"))
        what = "%s %s: %s" % (e["op"], e["url"][:60], e.get("why", ""))
        report(status == e["status"], "%s: status %d, want %d" % (what, status, e["status"]))
        report(op is not None and str(status) in op["responses"], "%s: status %d is documented" % (what, status))
        try:
            err = validate({"$ref": "#/components/schemas/Error"}, json.loads(raw))
        except ValueError as x:
            err = str(x)
        report(not err, "%s: an Error body%s" % (what, ": " + err if err else ""))
    sys.exit(1 if fails else 0)


main()
