#!/bin/bash
# server_workers.sh - the job queue on a real PostgreSQL: customs serve
# (no worker threads of its own) and `customs worker` processes sharing
# one database.  A worker killed with SIGKILL in the middle of an analysis
# loses its job once the lease runs out: another worker does it, it is
# stored once, nothing is lost.  Then 30 queued analyses over 3 workers:
# each job done by one worker in one attempt, every worker doing some.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
. "$(dirname "$0")/../lib/server.sh"

need_fixtures
pg_setup || skip "no PostgreSQL server (apt-get install postgresql; scripts/test.sh starts one)"
P=$(pg_store workers) || skip "cannot make a database in $PG_BASE"
RICH=oci:$FIXTURES/oci/debian-rich MIN=oci-archive:$FIXTURES/oci-archive/debian-min.tar
TOKEN=$("$CUSTOMS" token create ci --store "$P" -o json | jq -r .token)

start_server "$TMP/serve.log" --store "$P" --allow-local-images --workers 0 ||
	{ cat "$TMP/serve.log"; not_ok "customs serve starts"; finish; exit 1; }
ok "customs serve listens on 127.0.0.1:$PORT, on PostgreSQL"

# start_worker N: a customs worker with a 3 s lease; its pid in WPID[N]
declare -A WPID
start_worker() {
	"$CUSTOMS" worker --store "$P" --lease 3 2>"$TMP/worker.$1.log" &
	WPID[$1]=$!
	SERVER_PIDS="$SERVER_PIDS $!"
}
start_worker 1
start_worker 2

check_eq "POST /v1/images: 202" "$(api POST /v1/images -d "{\"ref\": \"$RICH\", \"tag\": \"rich:1\"}")" 202
J=$(jq -r .id "$TMP/body")
# the moment a worker holds it, kill that worker
victim=
for _ in $(seq 1 400); do
	api GET "/v1/jobs/$J" >/dev/null
	if [ "$(jq -r .state "$TMP/body")" = running ]; then
		w=$(jq -r .worker "$TMP/body")
		for n in 1 2; do [[ $w == *":${WPID[$n]}:"* ]] && victim=$n; done
		break
	fi
	sleep 0.05
done
check "a worker took the job" test -n "$victim"
kill -9 "${WPID[$victim]}"
wait "${WPID[$victim]}" 2>/dev/null
api GET "/v1/jobs/$J" >/dev/null
check_eq "... killed with SIGKILL mid-analysis (the job still running)" "$(jq -r .state "$TMP/body")" running
check_eq "the job is done all the same" "$(wait_job "$J")" done
other=$((3 - victim))
check "... by the other worker" bash -c "[[ '$(jq -r .worker "$TMP/body")' == *':${WPID[$other]}:'* ]]"
check_eq "... in a second attempt" "$(jq -r .attempts "$TMP/body")" 2
check_eq "... analysed once, to the end" "$(jq -r .analyses "$TMP/body")" 1
D=$(jq -r .digest "$TMP/body")
api GET /v1/images >/dev/null
check_eq "the image is stored once" "$(jq --arg d "$D" '[.[] | select(.digest == $d)] | length' "$TMP/body")" 1
check "... with its tag" jq -e --arg d "$D" '.[] | select(.digest == $d) | .tags | index("rich:1")' "$TMP/body"
api GET "/v1/images/$D/packages" >/dev/null
"$CUSTOMS" sbom --quiet -o json "$RICH" | jq -r '.packages[] | "\(.name) \(.version)"' | sort >"$TMP/cli.pkgs"
jq -r '.[] | "\(.name) \(.version)"' "$TMP/body" | sort >"$TMP/api.pkgs"
check "... whole: its packages are the image's" cmp -s "$TMP/cli.pkgs" "$TMP/api.pkgs"
kill -TERM "${WPID[$other]}"
wait "${WPID[$other]}"
check_eq "a worker stops on SIGTERM, exit 0" "$?" 0

# 30 analyses queued, then 3 workers
for i in $(seq 1 30); do
	ln -s "$FIXTURES/oci-archive/debian-min.tar" "$TMP/min$i.tar"
	api POST /v1/images -d "{\"ref\": \"oci-archive:$TMP/min$i.tar\"}" >/dev/null
	echo "$(jq -r .id "$TMP/body")" >>"$TMP/ids"
done
check_eq "30 jobs queued" "$(sort -u "$TMP/ids" | wc -l)" 30
start_worker 3
start_worker 4
start_worker 5
for id in $(cat "$TMP/ids"); do
	wait_job "$id" >/dev/null
	cp "$TMP/body" "$TMP/job.$id"
done
cat "$TMP"/job.* | jq -s . >"$TMP/jobs.json"
check_eq "all 30 done" "$(jq '[.[] | select(.state == "done")] | length' "$TMP/jobs.json")" 30
check_eq "... each in one attempt: none done twice" "$(jq '[.[] | select(.attempts != 1)] | length' "$TMP/jobs.json")" 0
for n in 3 4 5; do
	c=$(jq --arg p ":${WPID[$n]}:" '[.[] | select(.worker | contains($p))] | length' "$TMP/jobs.json")
	check "worker $n did some of them ($c)" test "$c" -gt 0
done
check_eq "... one image stored for them all" "$(jq -r '[.[].digest] | unique | length' "$TMP/jobs.json")" 1
check_eq "... analysed once" "$(jq '[.[].analyses] | add' "$TMP/jobs.json")" 1
api GET /metrics >/dev/null
check "metrics: the queue is empty" grep -q '^customs_jobs_queued 0' "$TMP/body"
for n in 3 4 5; do kill -TERM "${WPID[$n]}"; done
stop_server "$SERVE_PID"
check_eq "the server stops, exit 0" "$?" 0
finish
