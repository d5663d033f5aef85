#!/usr/bin/env bash
# pg-cluster.sh start DIR | stop DIR - a throw-away PostgreSQL cluster for
# the tests and benchmarks: Debian's postgresql binaries, initdb + pg_ctl
# (no systemd), listening on 127.0.0.1 only at a free port, password
# logins (scram-sha-256) for the role "customs" owning the database
# "customs".  `start` prints the store URL (postgres://customs:...@127.0.0.1:PORT/customs)
# and writes it to DIR/url; `stop` stops the server and removes DIR.  As
# root the server runs as the postgres user (initdb refuses root).
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start|stop DIR}
DIR=${2:?usage: pg-cluster.sh start|stop DIR}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] && [ -x "$BIN/initdb" ] || { echo "pg-cluster.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 2; }

as_owner() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
	mkdir -p "$DIR"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$DIR"
	PW=customs-$RANDOM$RANDOM
	printf '%s\n' "$PW" >"$DIR/pw"
	[ "$(id -u)" -eq 0 ] && chown postgres: "$DIR/pw"
	as_owner "$BIN/initdb" -D "$DIR/data" -U customs --pwfile="$DIR/pw" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 \
		>"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; exit 1; }
	# a free port: the first of a few random ones nobody listens on
	for _ in $(seq 50); do
		PORT=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
	done
	as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
		-o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=100" >/dev/null ||
		{ cat "$DIR/server.log" >&2; exit 1; }
	as_owner env PGPASSWORD="$PW" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U customs customs
	URL="postgres://customs:$PW@127.0.0.1:$PORT/customs"
	printf '%s\n' "$URL" >"$DIR/url"
	echo "$URL"
	;;
stop)
	[ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$DIR"
	;;
*)
	echo "usage: pg-cluster.sh start|stop DIR" >&2
	exit 2
	;;
esac
