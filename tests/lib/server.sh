# server.sh - sourced by the server's tests (after common.sh and
# store.sh): what they need (jq, curl), the cleanup of the servers, stores
# and clusters they start, and:
#   start_server LOG ARGS...   sets $PORT and $SERVE_PID (stopped on exit)
#   stop_server PID            SIGTERM, then the exit code
#   api METHOD PATH [CURL ARGS...]  a request with $TOKEN; the body to
#                              $TMP/body, the status printed
#   wait_job ID                until the job is done or failed (120 s): its state
SERVER_PIDS=
server_cleanup() {
	local p
	for p in $SERVER_PIDS; do kill -9 "$p" 2>/dev/null; done
	store_cleanup
}
trap server_cleanup EXIT
set +e +o pipefail
command -v jq >/dev/null || skip "jq is needed"
command -v curl >/dev/null || skip "curl is needed"
start_server() {
	local log=$1
	shift
	"$CUSTOMS" serve --listen 127.0.0.1:0 "$@" 2>"$log" &
	SERVE_PID=$!
	SERVER_PIDS="$SERVER_PIDS $SERVE_PID"
	for _ in $(seq 1 100); do
		grep -q "listening on" "$log" 2>/dev/null && break
		sleep 0.1
	done
	PORT=$(grep -o 'listening on https\?://127.0.0.1:[0-9]*' "$log" | sed 's/.*://')
	[ -n "$PORT" ]
}
stop_server() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}
api() {
	local m=$1 p=$2
	shift 2
	curl -s -o "$TMP/body" -w '%{http_code}' -X "$m" -H "Authorization: Bearer $TOKEN" "$@" "http://127.0.0.1:$PORT$p"
}
wait_job() {
	local st
	for _ in $(seq 1 1200); do
		api GET "/v1/jobs/$1" >/dev/null
		st=$(jq -r .state "$TMP/body")
		case $st in done | failed) echo "$st"; return 0 ;; esac
		sleep 0.1
	done
	echo "$st"
}
