#!/bin/bash
# store_sqlite.sh - the store conformance suite (tests/lib/store.sh) on an
# SQLite store, and what only a file can get wrong: a file that is not a
# customs store (another program's database, customs' own vulnerability
# database, not a database at all), a store of a newer schema.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
set +e +o pipefail

need_fixtures
command -v jq >/dev/null || skip "jq is needed"
store_dbs
S=$(sqlite_store conformance)
store_conformance "$S" sqlite

# refused, in one line, saying why
"$CUSTOMS" images --store "$DB1" 2>"$TMP/e1"
check_eq "the vulnerability database is not a store: exit 3" "$?" 3
check "... and says so" grep -q "is not a customs store: it holds other tables" "$TMP/e1"
head -c 4096 /dev/urandom >"$TMP/random.bin"
"$CUSTOMS" images --store "$TMP/random.bin" 2>"$TMP/e2"
check_eq "random bytes are not a store" "$(cat "$TMP/e2")" "customs images: $TMP/random.bin is not a customs store (not an SQLite database)"
sqlite3 "$TMP/other.sqlite" "PRAGMA application_id=42; CREATE TABLE t(x);"
"$CUSTOMS" images --store "$TMP/other.sqlite" 2>"$TMP/e3"
check "another application's database is refused" grep -q "an SQLite database of another application" "$TMP/e3"
cp "${S#sqlite:}" "$TMP/newer.sqlite"
sqlite3 "$TMP/newer.sqlite" "INSERT INTO schema_migrations VALUES(99, '2099-01-01', '9.9')"
"$CUSTOMS" images --store "$TMP/newer.sqlite" 2>"$TMP/e4"
check_eq "a store of a newer schema: exit 3" "$?" 3
check "... refused, naming both versions" grep -q "has schema version 99; this customs ([0-9.]*) knows versions up to 3: use a newer customs" "$TMP/e4"
check_eq "... in one line" "$(wc -l <"$TMP/e4")" 1
check_eq "the store is intact after all that" "$(sqlite3 "${S#sqlite:}" 'PRAGMA integrity_check')" ok
check_eq "... in WAL mode" "$(sqlite3 "${S#sqlite:}" 'PRAGMA journal_mode')" wal
finish
