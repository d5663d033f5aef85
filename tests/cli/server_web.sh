#!/bin/bash
# server_web.sh - the web page of customs serve in a real headless Chromium
# (Debian's chromium): the page loads, reads the API with a token, lists
# the fixture images with their severity counts and policy status, and a
# screenshot is written to $BUILDDIR/server-web.png.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
. "$(dirname "$0")/../lib/server.sh"

need_fixtures
need_shared feeds/debian-osv.zip
CHROMIUM=$(command -v chromium || command -v chromium-browser) || skip "chromium is needed (apt-get install chromium)"
: "${BUILDDIR:=$SRCDIR/build}"
DB=$TMP/db.sqlite
"$CUSTOMS" db import --quiet --db "$DB" "$SHARED/feeds/debian-osv.zip" >/dev/null 2>&1
S=$(sqlite_store web)
TOKEN=$("$CUSTOMS" token create web --store "$S" -o json | jq -r .token)
start_server "$TMP/serve.log" --store "$S" --db "$DB" --allow-local-images --workers 2 ||
	{ cat "$TMP/serve.log"; not_ok "customs serve starts"; finish; exit 1; }
for img in min rich; do
	api POST /v1/images -d "{\"ref\": \"oci:$FIXTURES/oci/debian-$img\", \"tag\": \"fixtures/$img:1\"}" >/dev/null
	check_eq "debian-$img analysed" "$(wait_job "$(jq -r .id "$TMP/body")")" done
done
DRICH=$("$CUSTOMS" images --store "$S" -o json | jq -r '.[] | select(.tags | index("fixtures/rich:1")) | .digest')
api PUT /v1/policies/default --data-binary @"$SRCDIR/tests/data/policy/anchore_default_bundle.json" >/dev/null
api POST "/v1/images/$DRICH/evaluate" -d '{}' >/dev/null
check_eq "page: 200, text/html" "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "http://127.0.0.1:$PORT/")" \
	"200 text/html; charset=utf-8"

chrome() { # chrome ARGS...: headless, as this machine's Chromium wants it
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$TMP/chrome.$RANDOM" --virtual-time-budget=8000 "$@" 2>>"$TMP/chrome.err"
}
URL="http://127.0.0.1:$PORT/#token=$TOKEN"
chrome --dump-dom "$URL" >"$TMP/dom.html"
check "Chromium renders the page" grep -q '<h1>customs</h1>' "$TMP/dom.html"
check "... its script ran: 2 images listed" grep -q 'id="count">(2)' "$TMP/dom.html"
for img in min rich; do
	check "... fixtures/$img:1 among them" grep -q "fixtures/$img:1" "$TMP/dom.html"
done
crit=$(jq -r '.[] | select(.tags | index("fixtures/rich:1")) | .vulnerabilities.critical' <(api GET /v1/images >/dev/null; cat "$TMP/body"))
check "... with rich's critical count ($crit) as the API has it" \
	grep -q "fixtures/rich:1</td><td>debian 12</td><td class=\"num\">[0-9]*</td><td class=\"num critical\">$crit</td>" "$TMP/dom.html"
check "... and its policy status: STOP" grep -q 'class="action-STOP">STOP' "$TMP/dom.html"
rm -f "$BUILDDIR/server-web.png"
(cd "$TMP" && chrome --screenshot="$BUILDDIR/server-web.png" --window-size=1280,720 "$URL" >/dev/null)
check "a screenshot: $BUILDDIR/server-web.png" test -s "$BUILDDIR/server-web.png"
check "... a PNG" bash -c "head -c 8 '$BUILDDIR/server-web.png' | od -An -tx1 | grep -q '89 50 4e 47'"
# one image: its vulnerabilities, as the API has them
chrome --dump-dom "http://127.0.0.1:$PORT/#token=$TOKEN&image=$DRICH" >"$TMP/dom3.html"
api GET "/v1/images/$DRICH/vulns" >/dev/null
n=$(jq length "$TMP/body")
id=$(jq -r '.[0].id' "$TMP/body")
check_eq "the image's page lists its $n vulnerabilities" "$(grep -o '<tr><td>[A-Z][A-Z0-9-]*</td><td class="[a-z]*">' "$TMP/dom3.html" | wc -l)" "$n"
check "... $id among them" grep -q "<td>$id</td>" "$TMP/dom3.html"
# without a token the page asks for one
chrome --dump-dom "http://127.0.0.1:$PORT/" >"$TMP/dom2.html"
check "without a token the page shows the token form" grep -q '<form id="login">' "$TMP/dom2.html"
stop_server "$SERVE_PID"
finish
