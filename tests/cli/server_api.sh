#!/bin/bash
# server_api.sh - `customs serve` on an SQLite store, end to end: tokens
# (made by customs token, checked as Bearer, anonymous reads only when
# allowed), two fixture images added through POST /v1/images and analysed
# by the server's workers, then every route of docs/openapi.json called and
# checked against its schema (tests/tools/openapi_check.py), the answers
# compared with what the command line finds in the images themselves; bad
# input answered with the right 4xx; 20 concurrent POSTs of one image run
# one analysis; slow clients do not hold up others; /metrics counts.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
. "$(dirname "$0")/../lib/server.sh"

need_fixtures
need_shared feeds/debian-osv.zip
python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is needed"
MIN=oci:$FIXTURES/oci/debian-min RICH=oci:$FIXTURES/oci/debian-rich
DB=$TMP/db.sqlite
"$CUSTOMS" db import --quiet --db "$DB" "$SHARED/feeds/debian-osv.zip" >/dev/null 2>&1
S=$(sqlite_store api)

# tokens: printed once, kept hashed
"$CUSTOMS" token create ci --store "$S" -o json >"$TMP/tok.json"
check_eq "token create: exit 0" "$?" 0
TOKEN=$(jq -r .token "$TMP/tok.json")
check "the token has its shape" bash -c "[[ '$TOKEN' =~ ^cst_[0-9a-f]{16}_[0-9a-f]{48}$ ]]"
secret=${TOKEN##*_}
check "the store does not hold the secret" bash -c "! sqlite3 '${S#sqlite:}' .dump | grep -q '$secret'"
"$CUSTOMS" token create ci --store "$S" >/dev/null 2>"$TMP/dup.err"
check_eq "a name in use is refused: exit 3" "$?" 3
check "... saying so" grep -q "there is a token called 'ci' already" "$TMP/dup.err"
OTHER=$("$CUSTOMS" token create other --store "$S" -o json | jq -r .token)
check_eq "token list: names, no secrets" "$("$CUSTOMS" token list --store "$S" -o json | jq -r '[.[].name] | join(",")')" "ci,other"
"$CUSTOMS" token revoke other --store "$S" 2>/dev/null
check_eq "token revoke: exit 0" "$?" 0

# the feeds POST /v1/feeds/update fetches, from a loopback HTTP server
mkdir -p "$TMP/www"
ln -s "$SHARED/feeds/debian-osv.zip" "$TMP/www/"
python3 "$SRCDIR/tests/lib/http_server.py" "$TMP/www" "$TMP/www.port" "$TMP/www.log" &
SERVER_PIDS="$SERVER_PIDS $!"
for _ in $(seq 50); do [ -s "$TMP/www.port" ] && break; sleep 0.1; done
echo "osv-debian-http http://127.0.0.1:$(cat "$TMP/www.port")/debian-osv.zip" >"$TMP/feeds.conf"
export CUSTOMS_FEEDS=$TMP/feeds.conf
start_server "$TMP/serve.log" --store "$S" --allow-local-images --workers 2 --db "$DB" --max-body 65536 ||
	{ cat "$TMP/serve.log"; not_ok "customs serve starts"; finish; exit 1; }
ok "customs serve listens on 127.0.0.1:$PORT"

# two images through the API
check_eq "POST /v1/images: 202" "$(api POST /v1/images -d "{\"ref\": \"$MIN\", \"tag\": \"min:1\"}")" 202
JMIN=$(jq -r .id "$TMP/body")
check_eq "... a queued job" "$(jq -r .state "$TMP/body")" queued
api POST /v1/images -d "{\"ref\": \"$RICH\", \"tag\": \"rich:1\"}" >/dev/null
JRICH=$(jq -r .id "$TMP/body")
check_eq "the min job is done" "$(wait_job "$JMIN")" done
DMIN=$(jq -r .digest "$TMP/body")
check_eq "... analysed once" "$(jq -r .analyses "$TMP/body")" 1
check_eq "the rich job is done" "$(wait_job "$JRICH")" done
DRICH=$(jq -r .digest "$TMP/body")

# what the API says, against the image read by the command line
api GET "/v1/images/$DRICH/packages" >/dev/null
jq -r '.[] | "\(.name) \(.version) \(.type)"' "$TMP/body" | sort >"$TMP/api.pkgs"
"$CUSTOMS" sbom --quiet -o json "$RICH" | jq -r '.packages[] | "\(.name) \(.version) \(.type)"' | sort >"$TMP/cli.pkgs"
check "packages: the image's, as customs sbom reads it" cmp -s "$TMP/api.pkgs" "$TMP/cli.pkgs"
check "... and there are some" test "$(wc -l <"$TMP/api.pkgs")" -gt 50
api GET "/v1/images/$DRICH/vulns" >/dev/null
cp "$TMP/body" "$TMP/vulns.first"
jq -r '.[] | "\(.id) \(.package) \(.version)"' "$TMP/body" | sort -u >"$TMP/api.vulns"
"$CUSTOMS" scan --quiet --db "$DB" -o json "$RICH" |
	jq -r '.matches[] | select(.suppressed_by == null) | "\(.id) \(.package.name) \(.package.version)"' | sort -u >"$TMP/cli.vulns"
check "vulns: the workers matched what customs scan finds" cmp -s "$TMP/api.vulns" "$TMP/cli.vulns"
check "... and there are some" test "$(wc -l <"$TMP/api.vulns")" -gt 10
check "... inherited from the base (min) or the image's own" jq -e 'all(.[]; .origin == "base" or .origin == "image")' "$TMP/body"

# answers kept in memory follow the store: min removed behind the
# server's back, rich's vulnerabilities have no base any more
api GET "/v1/images/$DRICH/vulns" >/dev/null
cp "$TMP/body" "$TMP/vulns.again"
check "a second GET answers the same" cmp -s "$TMP/vulns.again" "$TMP/vulns.first"
api GET /metrics >/dev/null
check "... from memory (metrics: cache hits)" grep -Eq '^customs_cache_hits_total [1-9]' "$TMP/body"
"$CUSTOMS" image rm --store "$S" "$DMIN" 2>/dev/null
check_eq "the base removed with customs image rm, rich's vulns: 200" "$(api GET "/v1/images/$DRICH/vulns")" 200
check "... no longer from a base" jq -e 'all(.[]; .origin == null)' "$TMP/body"
check_eq "... and min: 404" "$(api GET "/v1/images/$DMIN/packages")" 404
check_eq "min analysed again" "$(api POST /v1/images -d "{\"ref\": \"$MIN\", \"tag\": \"min:1\"}")" 202
check_eq "... done" "$(wait_job "$(jq -r .id "$TMP/body")")" done
api GET "/v1/images/$DRICH/vulns" >/dev/null
check "rich's vulnerabilities have their base again" jq -e 'any(.[]; .origin == "base")' "$TMP/body"

api GET "/v1/images/$DMIN/files?glob=/etc/*.conf" >/dev/null
check "files?glob: /etc/adduser.conf" jq -e 'any(.[]; .path == "/etc/adduser.conf")' "$TMP/body"
check "... only what the glob matches" jq -e 'all(.[]; .path | test("^/etc/.*\\.conf$"))' "$TMP/body"
api GET "/v1/query/has-package?arg=bash" >/dev/null
check_eq "query has-package bash: both images" "$(jq length "$TMP/body")" 2
api GET "/v1/images" >/dev/null
check "images: rich with its tag and severity counts" jq -e --arg d "$DRICH" \
	'any(.[]; .digest == $d and (.tags | index("rich:1")) and .vulnerabilities.critical >= 0)' "$TMP/body"

# policies: kept, evaluated as customs evaluate evaluates
BUNDLE=$SRCDIR/tests/data/policy/anchore_default_bundle.json
check_eq "PUT /v1/policies/default: 200" "$(api PUT /v1/policies/default --data-binary @"$BUNDLE")" 200
check_eq "... the first one kept is active" "$(jq -r .active "$TMP/body")" true
check "... with the bundle's digest" grep -q '"digest": "sha256:[0-9a-f]\{64\}"' "$TMP/body"
check_eq "an invalid bundle is not kept: 400" "$(api PUT /v1/policies/bad --data-binary @"$SRCDIR/tests/data/policy/bad_bundle.json")" 400
check "... naming the first problem and how many" grep -q 'params.severity.*22 problems' "$TMP/body"
api POST /v1/policies/validate --data-binary @"$SRCDIR/tests/data/policy/bad_bundle.json" >/dev/null
"$CUSTOMS" policy validate -o json "$SRCDIR/tests/data/policy/bad_bundle.json" >"$TMP/validate.cli.json" 2>/dev/null
check_eq "validate: the problems policy validate finds" "$(jq -c .problems "$TMP/body")" "$(jq -c .problems "$TMP/validate.cli.json")"
check_eq "POST /v1/images/{digest}/evaluate (the active bundle): 200" "$(api POST "/v1/images/$DRICH/evaluate" -d '{}')" 200
cp "$TMP/body" "$TMP/eval.api.json"
"$CUSTOMS" evaluate --policy "$BUNDLE" --db "$DB" -o json "$RICH" >"$TMP/eval.cli.json" 2>/dev/null
check_eq "... the action customs evaluate gives" "$(jq -r .final_action "$TMP/eval.api.json")" "$(jq -r .final_action "$TMP/eval.cli.json")"
check_eq "... the same findings" "$(jq -c '[.findings[] | .trigger_id] | sort' "$TMP/eval.api.json")" \
	"$(jq -c '[.findings[] | .trigger_id] | sort' "$TMP/eval.cli.json")"
api GET "/v1/images/$DRICH/evaluations" >/dev/null
check_eq "... kept with the image" "$(jq -r '.[0].action' "$TMP/body")" "$(jq -r .final_action "$TMP/eval.cli.json")"

# every route against docs/openapi.json, bad input included
big=$(head -c 70000 /dev/zero | tr '\0' a)
cat >"$TMP/cases.json" <<JSON
{
 "GET /": {"url": "/"},
 "GET /app.js": {"url": "/app.js"},
 "GET /app.css": {"url": "/app.css"},
 "GET /healthz": {"url": "/healthz"},
 "GET /metrics": {"url": "/metrics"},
 "GET /v1/images": {"url": "/v1/images"},
 "POST /v1/images": {"url": "/v1/images", "body": {"ref": "$MIN"}},
 "GET /v1/images/{digest}": {"url": "/v1/images/$DMIN"},
 "DELETE /v1/images/{digest}": {"url": "/v1/images/$DMIN"},
 "GET /v1/images/{digest}/packages": {"url": "/v1/images/$DMIN/packages?type=deb"},
 "GET /v1/images/{digest}/files": {"url": "/v1/images/${DMIN:7:12}/files"},
 "GET /v1/images/{digest}/vulns": {"url": "/v1/images/$DRICH/vulns"},
 "GET /v1/images/{digest}/layers": {"url": "/v1/images/$DRICH/layers"},
 "GET /v1/images/{digest}/sbom": {"url": "/v1/images/$DMIN/sbom?format=cyclonedx-json"},
 "GET /v1/images/{digest}/evaluations": {"url": "/v1/images/$DMIN/evaluations"},
 "GET /v1/jobs/{id}": {"url": "/v1/jobs/$JMIN"},
 "GET /v1/query/{query}": {"url": "/v1/query/has-vuln?arg=CVE-2023-45853"},
 "GET /v1/diff": {"url": "/v1/diff?a=$DMIN&b=$DRICH"},
 "GET /v1/feeds": {"url": "/v1/feeds"},
 "GET /v1/feeds/update": {"url": "/v1/feeds/update"},
 "POST /v1/feeds/update": {"url": "/v1/feeds/update"},
 "POST /v1/images/{digest}/evaluate": {"url": "/v1/images/$DRICH/evaluate", "body": {"policy": $(cat "$BUNDLE"), "tag": "docker.io/library/rich:1"}},
 "GET /v1/policies": {"url": "/v1/policies"},
 "GET /v1/subscriptions": {"url": "/v1/subscriptions"},
 "POST /v1/subscriptions": {"url": "/v1/subscriptions", "body": {"tag": "registry.test/app:1", "type": "vuln_update", "url": "http://127.0.0.1:9/hook"}},
 "DELETE /v1/subscriptions/{id}": {"url": "/v1/subscriptions/1"},
 "GET /v1/notifications": {"url": "/v1/notifications"},
 "POST /v1/admission": {"url": "/v1/admission", "body": {"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
   "request": {"uid": "u1", "object": {"kind": "Pod", "spec": {"containers": [{"name": "c", "image": "min:1"}]}}}}},
 "POST /v1/policies/validate": {"url": "/v1/policies/validate", "body_file": "$BUNDLE"},
 "GET /v1/policies/{id}": {"url": "/v1/policies/default"},
 "PUT /v1/policies/{id}": {"url": "/v1/policies/second?active=true", "body_file": "$BUNDLE"},
 "DELETE /v1/policies/{id}": {"url": "/v1/policies/second"},
 "errors": [
  {"op": "POST /v1/images", "url": "/v1/images", "body": "{\"ref\": ", "status": 400, "why": "malformed JSON"},
  {"op": "POST /v1/images", "url": "/v1/images", "body": "[1, 2]", "status": 400, "why": "not an object"},
  {"op": "POST /v1/images", "url": "/v1/images", "body": {"ref": 7}, "status": 400, "why": "a number for ref"},
  {"op": "POST /v1/images", "url": "/v1/images", "body": {"ref": "x", "tag": ["a"]}, "status": 400, "why": "a list for tag"},
  {"op": "POST /v1/images", "url": "/v1/images", "body": {"ref": "x", "force": true}, "status": 400, "why": "an unknown field"},
  {"op": "POST /v1/images", "url": "/v1/images", "body": "{\"ref\": \"$big\"}", "status": 413, "why": "a body over --max-body"},
  {"op": "POST /v1/images", "url": "/v1/images", "body": {"ref": "$MIN"}, "headers": {"Authorization": "Bearer cst_0000000000000000_000000000000000000000000000000000000000000000000"}, "status": 401, "why": "an unknown token"},
  {"op": "GET /v1/images", "url": "/v1/images", "headers": {"Authorization": "Bearer $OTHER"}, "status": 401, "why": "a revoked token"},
  {"op": "GET /v1/images", "url": "/v1/images", "headers": {"Authorization": "Basic YTpi"}, "status": 401, "why": "not Bearer"},
  {"op": "GET /v1/images/{digest}", "url": "/v1/images/sha256:0000000000", "status": 404, "why": "an unknown digest"},
  {"op": "GET /v1/images/{digest}/sbom", "url": "/v1/images/$DRICH/sbom?format=table", "status": 400, "why": "not an SBOM format"},
  {"op": "GET /v1/jobs/{id}", "url": "/v1/jobs/abc", "status": 400, "why": "not a job id"},
  {"op": "GET /v1/jobs/{id}", "url": "/v1/jobs/99999", "status": 404, "why": "no such job"},
  {"op": "GET /v1/query/{query}", "url": "/v1/query/no-such-query", "status": 400, "why": "an unknown query"},
  {"op": "GET /v1/query/{query}", "url": "/v1/query/packages", "status": 400, "why": "an image query without image="},
  {"op": "GET /v1/diff", "url": "/v1/diff?a=$DRICH", "status": 400, "why": "one image"},
  {"op": "PUT /v1/policies/{id}", "url": "/v1/policies/x", "body": {"id": "x"}, "status": 400, "why": "not a bundle"},
  {"op": "PUT /v1/policies/{id}", "url": "/v1/policies/x?active=maybe", "body_file": "$BUNDLE", "status": 400, "why": "active not a boolean"},
  {"op": "GET /v1/policies/{id}", "url": "/v1/policies/none", "status": 404, "why": "no such bundle"},
  {"op": "POST /v1/subscriptions", "url": "/v1/subscriptions", "body": {"tag": "a:1", "type": "tag_update", "url": "gopher://x"}, "status": 400, "why": "not an http url"},
  {"op": "POST /v1/subscriptions", "url": "/v1/subscriptions", "body": {"tag": "a:1", "type": "tag_update", "url": "http://x/", "secret": "short"}, "status": 400, "why": "a short secret"},
  {"op": "DELETE /v1/subscriptions/{id}", "url": "/v1/subscriptions/999", "status": 404, "why": "no such subscription"},
  {"op": "POST /v1/admission", "url": "/v1/admission", "body": {"kind": "AdmissionReview", "request": {"uid": "u"}}, "status": 400, "why": "a review without an object"},
  {"op": "POST /v1/images/{digest}/evaluate", "url": "/v1/images/$DRICH/evaluate", "body": {"policy": 5}, "status": 400, "why": "policy a number"},
  {"op": "POST /v1/images/{digest}/evaluate", "url": "/v1/images/$DRICH/evaluate", "body": {"policy": "none"}, "status": 404, "why": "an unknown bundle"}
 ]
}
JSON
python3 "$SRCDIR/tests/tools/openapi_check.py" "$SRCDIR/docs/openapi.json" "$SRCDIR/src/server/routes.c" \
	"http://127.0.0.1:$PORT" "$TOKEN" "$TMP/cases.json" >"$TMP/openapi.out" 2>&1
rc=$?
grep '^not ok' "$TMP/openapi.out"
check_eq "every route as docs/openapi.json documents it ($(grep -c '^ok' "$TMP/openapi.out") checks)" "$rc" 0
[ "$rc" -eq 0 ] || cat "$TMP/openapi.out"
check_eq "an unknown route: 404" "$(api GET /v1/nothing)" 404
check_eq "... an error document" "$(jq -r .error.code "$TMP/body")" not_found
check_eq "a method a route does not have: 405" "$(api PUT /v1/images)" 405
check_eq "no token: 401" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/images")" 401

# 20 POSTs of one image at once: one job, one analysis
DA=docker-archive:$FIXTURES/docker-archive/debian-min.tar
posts=
for i in $(seq 1 20); do
	curl -s -H "Authorization: Bearer $TOKEN" -d "{\"ref\": \"$DA\"}" "http://127.0.0.1:$PORT/v1/images" >"$TMP/post.$i" &
	posts="$posts $!"
done
wait $posts
check_eq "20 concurrent POSTs of one image: one job" "$(cat "$TMP"/post.* | jq -r .id | sort -u | wc -l)" 1
JDA=$(jq -r .id "$TMP/post.1")
check_eq "... done" "$(wait_job "$JDA")" done
check_eq "... analysed once" "$(jq -r .analyses "$TMP/body")" 1
check_eq "... by one attempt" "$(jq -r .attempts "$TMP/body")" 1

# slow clients: 50 connections that send half a request hold no thread
python3 - "$PORT" <<'PY' &
import socket, sys, time
socks = []
for _ in range(50):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"POST /v1/images HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    socks.append(s)
time.sleep(4)
PY
SLOW=$!
sleep 0.5
t0=$(date +%s%N)
code=$(api GET /v1/images)
ms=$((($(date +%s%N) - t0) / 1000000))
check_eq "with 50 slow clients connected, a request is answered" "$code" 200
check "... at once (${ms} ms)" test "$ms" -lt 2000
wait "$SLOW"

# the database updated by the server
check_eq "POST /v1/feeds/update: 202" "$(api POST /v1/feeds/update)" 202
check_eq "... running" "$(jq -r .state "$TMP/body")" running
for _ in $(seq 300); do
	api GET /v1/feeds/update >/dev/null
	[ "$(jq -r .state "$TMP/body")" = running ] || break
	sleep 0.2
done
check_eq "... done" "$(jq -r .state "$TMP/body")" done
# (the route check above may have fetched it first)
check "... the feed fetched, or not modified since: $(jq -r .result "$TMP/body")" \
	jq -e '.result | test("^(1 fetched, 0 not modified|0 fetched, 1 not modified), 0 failed$")' "$TMP/body"
check "... from the HTTP server" grep -q "^/debian-osv.zip 200" "$TMP/www.log"
api GET /v1/feeds >/dev/null
check "GET /v1/feeds: the new feed is in the database" jq -e 'any(.sources[]; .name == "osv-debian-http" and .records > 40000)' "$TMP/body"
api POST /v1/feeds/update >/dev/null
for _ in $(seq 300); do
	api GET /v1/feeds/update >/dev/null
	[ "$(jq -r .state "$TMP/body")" = running ] || break
	sleep 0.2
done
check_eq "a second update: not modified (a conditional GET)" "$(jq -r .result "$TMP/body")" "0 fetched, 1 not modified, 0 failed"

api GET /metrics >/dev/null
check "metrics: requests by route and class" grep -q 'customs_http_requests_total{method="GET",route="/v1/images",code="2xx"}' "$TMP/body"
check "metrics: a latency histogram" grep -q 'customs_http_request_duration_seconds_bucket{le="+Inf"}' "$TMP/body"
check "metrics: the queue" grep -q '^customs_jobs_queued 0' "$TMP/body"
check "metrics: analyses by this server's workers" grep -Eq '^customs_analyses_total [3-9]' "$TMP/body"
stop_server "$SERVE_PID"
check_eq "SIGTERM: the server stops, exit 0" "$?" 0

# anonymous reads, and a server that takes registry references only
start_server "$TMP/serve2.log" --store "$S" --allow-anonymous-read --workers 0 || not_ok "a second server starts"
check_eq "--allow-anonymous-read: GET without a token" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/images")" 200
check_eq "... but not POST" "$(curl -s -o /dev/null -w '%{http_code}' -d '{"ref": "debian:12"}' "http://127.0.0.1:$PORT/v1/images")" 401
check_eq "... nor a bad token" "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer nope' "http://127.0.0.1:$PORT/v1/images")" 401
check_eq "without --allow-local-images a path on the server is refused" "$(api POST /v1/images -d "{\"ref\": \"$MIN\"}")" 400
check "... saying why" grep -q "not a registry reference" "$TMP/body"
check_eq "... and a bare path too" "$(api POST /v1/images -d "{\"ref\": \"$FIXTURES/oci/debian-min\"}")" 400
stop_server "$SERVE_PID"
# HTTPS: --tls-cert and --tls-key
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 -subj /CN=127.0.0.1 \
		-addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
	start_server "$TMP/serve3.log" --store "$S" --workers 0 --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem" ||
		not_ok "a TLS server starts"
	check "TLS: it says https" grep -q "listening on https://" "$TMP/serve3.log"
	check_eq "TLS: GET /v1/images over HTTPS, the certificate verified" \
		"$(curl -s -o /dev/null -w '%{http_code}' --cacert "$TMP/cert.pem" -H "Authorization: Bearer $TOKEN" "https://127.0.0.1:$PORT/v1/images")" 200
	check_eq "... plain HTTP is not answered" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")" 000
	stop_server "$SERVE_PID"
	"$CUSTOMS" serve --listen 127.0.0.1:0 --store "$S" --tls-cert "$TMP/cert.pem" 2>"$TMP/tls.err"
	check "--tls-cert without --tls-key: refused" grep -q "tls-cert and --tls-key go together" "$TMP/tls.err"
else
	partial "openssl is needed for the TLS part"
fi
"$CUSTOMS" serve --listen 127.0.0.1:99999 --store "$S" 2>"$TMP/badlisten.err"
check_eq "a bad --listen: exit 3" "$?" 3
check "... in one line" grep -q "listen wants HOST:PORT" "$TMP/badlisten.err"
finish
