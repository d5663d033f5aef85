#!/bin/bash
# store_postgres.sh - the store conformance suite (tests/lib/store.sh) on a
# real PostgreSQL (scripts/test.sh's cluster, $CUSTOMS_TEST_POSTGRES, else
# a throw-away one of this test), and what only a server can get wrong: a
# server that is down, a login refused, a database that does not exist:
# each one clear line.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
set +e +o pipefail

need_fixtures
command -v jq >/dev/null || skip "jq is needed"
pg_setup || skip "no PostgreSQL server (apt-get install postgresql; scripts/test.sh starts one)"
S=$(pg_store conformance) || skip "cannot make a database in $PG_BASE"
store_dbs
store_conformance "$S" postgres

# the server's side of bad input
base=$PG_BASE
hostport=${base#*@}
hostport=${hostport%%/*}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$CUSTOMS" images --store "postgres://customs:x@127.0.0.1:$port/customs" 2>"$TMP/e1"
check_eq "a server that is down: exit 3" "$?" 3
check_eq "... in one line" "$(wc -l <"$TMP/e1")" 1
check "... that says to check the server" grep -q "is the server running and reachable" "$TMP/e1"
check "... without the password" bash -c "! grep -q 'customs:x@' '$TMP/e1'"
"$CUSTOMS" images --store "postgres://customs:wrong-password@$hostport/customs" 2>"$TMP/e2"
check_eq "a login refused: exit 3" "$?" 3
check_eq "... in one line" "$(wc -l <"$TMP/e2")" 1
check "... saying so" grep -q "password authentication failed.*check the user and password" "$TMP/e2"
check "... without the password" bash -c "! grep -q wrong-password '$TMP/e2'"
"$CUSTOMS" images --store "${base%/*}/no_such_db" 2>"$TMP/e3"
check "a database that does not exist, in one line" test "$(wc -l <"$TMP/e3")" -eq 1
check "... saying to create it" grep -q "create it first" "$TMP/e3"
# a database holding something else is refused
other=$(pg_store other)
psql -q "$other" -c "CREATE TABLE unrelated(x int)" >/dev/null
"$CUSTOMS" images --store "$other" 2>"$TMP/e4"
check "a database holding other tables is refused" grep -q "is not a customs store: it holds other tables" "$TMP/e4"
# a newer schema
psql -q "$S" -c "INSERT INTO schema_migrations VALUES(99, '2099-01-01', '9.9')" >/dev/null
"$CUSTOMS" images --store "$S" 2>"$TMP/e5"
check "a store of a newer schema is refused" grep -q "has schema version 99; this customs" "$TMP/e5"
finish
