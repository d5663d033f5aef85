#!/bin/bash
# server_e2e.sh - the server's whole flow, as issue 14 has it: a throw-away
# PostgreSQL and a loopback registry (Debian's docker-registry, fed by
# skopeo); customs serve with 2 customs worker processes on the database;
# fixture images pushed, added through the API by their registry
# references, analysed by the workers, queried and evaluated; a tag
# watched (tag_update, vuln_update), a new digest pushed to it, and the
# webhooks arrive at a listener of this test with valid HMAC-SHA256
# signatures (checked by Python's hmac), after a refused first delivery;
# an image of a registry that wants credentials fails with a clear error.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
. "$(dirname "$0")/../lib/server.sh"

need_fixtures
need_shared feeds/debian-osv.zip
for t in jq curl skopeo docker-registry htpasswd python3; do
	command -v "$t" >/dev/null || skip "$t is needed (apt-get install docker-registry skopeo apache2-utils)"
done
pg_setup || skip "no PostgreSQL server (apt-get install postgresql; scripts/test.sh starts one)"
P=$(pg_store e2e) || skip "cannot make a database in $PG_BASE"
DB=$TMP/db.sqlite
"$CUSTOMS" db import --quiet --db "$DB" "$SHARED/feeds/debian-osv.zip" >/dev/null 2>&1

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
registry() { # registry NAME ADDR [htpasswd FILE]
	mkdir -p "$TMP/$1"
	{
		printf 'version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' \
			"$TMP/$1/data" "$2"
		[ -n "${3:-}" ] && printf 'auth:\n  htpasswd:\n    realm: test\n    path: %s\n' "$3"
	} >"$TMP/$1/config.yml"
	docker-registry serve "$TMP/$1/config.yml" >"$TMP/$1/log" 2>&1 &
	SERVER_PIDS="$SERVER_PIDS $!"
	for _ in $(seq 100); do curl -s -o /dev/null "http://$2/v2/" && return 0; sleep 0.1; done
	return 1
}
R=127.0.0.1:$(free_port)
registry open "$R" || skip "docker-registry did not start"
htpasswd -Bbc "$TMP/htpasswd" someone 'pa55word' >/dev/null 2>&1
RP=127.0.0.1:$(free_port)
registry private "$RP" "$TMP/htpasswd" || skip "docker-registry (htpasswd) did not start"
push() { skopeo --insecure-policy copy -q --dest-tls-verify=false ${3:+--dest-creds "$3"} "oci:$FIXTURES/oci/$1" "docker://$2" >/dev/null 2>"$TMP/push.err"; }
check "skopeo pushes debian-min as $R/app:1" push debian-min "$R/app:1"
check "... and debian-rich as $R/rich:1" push debian-rich "$R/rich:1"
check "... and debian-min to the private registry" push debian-min "$RP/secret:1" someone:pa55word
export CUSTOMS_INSECURE_REGISTRIES=$R,$RP

TOKEN=$("$CUSTOMS" token create e2e --store "$P" -o json | jq -r .token)
start_server "$TMP/serve.log" --store "$P" --db "$DB" --workers 0 --watch-interval 1 ||
	{ cat "$TMP/serve.log"; not_ok "customs serve starts"; finish; exit 1; }
for n in 1 2; do
	"$CUSTOMS" worker --store "$P" --db "$DB" --lease 10 2>"$TMP/worker.$n.log" &
	SERVER_PIDS="$SERVER_PIDS $!"
done
ok "customs serve and 2 customs worker processes on PostgreSQL"

# the images, by their registry references
api POST /v1/images -d "{\"ref\": \"$R/app:1\"}" >/dev/null
JA=$(jq -r .id "$TMP/body")
api POST /v1/images -d "{\"ref\": \"$R/rich:1\"}" >/dev/null
JR=$(jq -r .id "$TMP/body")
check_eq "$R/app:1 analysed by a worker" "$(wait_job "$JA")" done
DA=$(jq -r .digest "$TMP/body")
check "... a worker process's" grep -q '"worker": ".*:[0-9]*:0"' "$TMP/body"
check_eq "$R/rich:1 analysed" "$(wait_job "$JR")" done
DR=$(jq -r .digest "$TMP/body")
check_eq "... stored under the registry's manifest digest" "$DR" \
	"sha256:$(skopeo inspect --raw --tls-verify=false "docker://$R/rich:1" | sha256sum | cut -d' ' -f1)"
api GET "/v1/images/$DA" >/dev/null
check_eq "the tag is recorded" "$(jq -r '.source.reference' "$TMP/body")" "$R/app:1"
api GET "/v1/query/has-package?arg=openssl" >/dev/null
check "query has-package openssl: rich" jq -e --arg d "$DR" 'any(.[]; .digest == $d)' "$TMP/body"
api GET "/v1/images/$DR/vulns" >/dev/null
check "the workers matched rich: vulnerabilities" test "$(jq length "$TMP/body")" -gt 10
api PUT /v1/policies/default --data-binary @"$SRCDIR/tests/data/policy/anchore_default_bundle.json" >/dev/null
check_eq "evaluate rich: 200" "$(api POST "/v1/images/$DR/evaluate" -d '{}')" 200
check_eq "... STOP" "$(jq -r .final_action "$TMP/body")" STOP

# a private registry without credentials
api POST /v1/images -d "{\"ref\": \"$RP/secret:1\"}" >/dev/null
check_eq "an image of a registry that wants a login: the job fails" "$(wait_job "$(jq -r .id "$TMP/body")")" failed
check "... saying so" jq -e '.error | test("401|auth|credential|unauthori"; "i")' "$TMP/body"

# watch app:1, move it to rich's digest
python3 "$SRCDIR/tests/lib/webhook_listener.py" 'hook-s3cret' "$TMP/hook.port" "$TMP/hook.log" 1 &
SERVER_PIDS="$SERVER_PIDS $!"
for _ in $(seq 50); do [ -s "$TMP/hook.port" ] && break; sleep 0.1; done
HOOK=http://127.0.0.1:$(cat "$TMP/hook.port")/hook
check_eq "subscribe $R/app:1 tag_update: 201" \
	"$(api POST /v1/subscriptions -d "{\"tag\": \"$R/app:1\", \"type\": \"tag_update\", \"url\": \"$HOOK\", \"secret\": \"hook-s3cret\"}")" 201
check_eq "subscribe $R/app:1 vuln_update: 201" \
	"$(api POST /v1/subscriptions -d "{\"tag\": \"$R/app:1\", \"type\": \"vuln_update\", \"url\": \"$HOOK\", \"secret\": \"hook-s3cret\"}")" 201
# what is seen first is the baseline: no webhook
for _ in $(seq 100); do
	api GET /v1/subscriptions >/dev/null
	[ "$(jq '[.[] | select(.last_digest != null)] | length' "$TMP/body")" = 2 ] && break
	sleep 0.2
done
check "the watcher has seen the tag's digest" jq -e --arg d "$DA" 'all(.[]; .last_digest == $d)' "$TMP/body"
check "push debian-rich to $R/app:1" push debian-rich "$R/app:1"
for _ in $(seq 300); do
	[ "$(jq -s '[.[] | select(.answered == 200)] | length' "$TMP/hook.log" 2>/dev/null)" -ge 2 ] && break
	sleep 0.2
done
jq -s . "$TMP/hook.log" >"$TMP/hooks.json" 2>/dev/null
check "tag_update arrived" jq -e 'any(.[]; .event == "tag_update" and .answered == 200)' "$TMP/hooks.json"
check "... from min's digest to rich's" jq -e --arg a "$DA" --arg r "$DR" \
	'any(.[]; .event == "tag_update" and .body.previous_digest == $a and .body.digest == $r and (.body.tag | test("app:1$")))' "$TMP/hooks.json"
check "... every delivery with a valid signature" jq -e 'all(.[]; .valid)' "$TMP/hooks.json"
check "... the first refused (503), then sent again" jq -e '.[0].answered == 503 and (.[0].delivery as $d | any(.[1:][]; .delivery == $d))' "$TMP/hooks.json"
check "vuln_update arrived: vulnerabilities appeared" jq -e 'any(.[]; .event == "vuln_update" and (.body.details.added | length) > 0)' "$TMP/hooks.json"
api GET /v1/notifications >/dev/null
check "notifications: the refused one delivered in 2 attempts" jq -e 'any(.[]; .state == "delivered" and .attempts == 2)' "$TMP/body"
# a wrong secret is noticed by the listener
check_eq "a subscription with a bad url: 400" "$(api POST /v1/subscriptions -d "{\"tag\": \"$R/app:1\", \"type\": \"tag_update\", \"url\": \"file:///etc/passwd\"}")" 400
check_eq "... a bad type: 400" "$(api POST /v1/subscriptions -d "{\"tag\": \"$R/app:1\", \"type\": \"whenever\", \"url\": \"$HOOK\"}")" 400
id=$(api GET /v1/subscriptions >/dev/null; jq -r '.[0].id' "$TMP/body")
check_eq "DELETE a subscription: 200" "$(api DELETE "/v1/subscriptions/$id")" 200
stop_server "$SERVE_PID"
check_eq "the server stops, exit 0" "$?" 0
finish
