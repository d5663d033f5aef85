#!/bin/bash
# scan_fetch.sh - `customs scan` without a vulnerability database fetches
# the feeds first, as `db update` does, from a local HTTP server that logs
# every request ($CUSTOMS_FEEDS names the feed list): one line on stderr
# when it is not a terminal, a rewritten progress line when it is; the
# matches are those of a database imported from the same files; a feed that
# fails is a warning.  --offline never makes a request: a missing database
# is an error saying what to run, a registry image is refused.  A mistake in
# the image's name is said before anything is downloaded.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

F=$SHARED/feeds
need_shared feeds/debian-osv.zip
need_shared feeds/go-osv.zip
need_fixtures
IMG=docker-archive:$FIXTURES/docker-archive/debian-min.tar
[ -f "$FIXTURES/docker-archive/debian-min.tar" ] || skip "the debian-min fixture is absent"
command -v python3 >/dev/null || skip "python3 is needed for the HTTP server"
command -v script >/dev/null || skip "script (bsdutils) is needed for the terminal check"

mkdir -p "$TMP/www"
ln -s "$F/debian-osv.zip" "$F/go-osv.zip" "$TMP/www/"
serve_files "$TMP/www"
cat >"$TMP/feeds.conf" <<EOF
osv-debian http://127.0.0.1:$port/debian-osv.zip
osv-go     http://127.0.0.1:$port/go-osv.zip
missing    http://127.0.0.1:$port/missing.zip
EOF
export CUSTOMS_FEEDS=$TMP/feeds.conf
requests() { wc -l <"$TMP/http.log"; }

check_eq "db update --list reads \$CUSTOMS_FEEDS" "$("$CUSTOMS" db update --list | cut -d' ' -f1 | tr '\n' ' ')" \
	"osv-debian osv-go missing "

# ---- no database: the feeds first ---------------------------------------------
DB=$TMP/fresh/vulndb.sqlite
"$CUSTOMS" scan --db "$DB" --max-db-age 0 -o json "$IMG" >"$TMP/fetched.json" 2>"$TMP/fetched.err"
check_eq "scan without a database: exit 0" "$?" 0
cat "$TMP/fetched.err"
check_eq "  ... one line says it fetches the feeds first, then the failed feed is a warning" \
	"$(sed 's/127.0.0.1:[0-9]*/HOST/' "$TMP/fetched.err")" \
	"customs scan: no vulnerability database at $DB: fetching its 3 feeds first, as \`customs db update\` does (--offline never does)
customs scan: warning: missing: failed: http://HOST/missing.zip: HTTP status 404 (its records are kept)"
check_eq "  ... with one request per feed" "$(cut -d' ' -f1,2 "$TMP/http.log" | sort | tr '\n' ' ')" \
	"/debian-osv.zip 200 /go-osv.zip 200 /missing.zip 404 "
check "  ... the database is there, its import log beside it" test -s "$DB" -a -s "$DB.import.log"
"$CUSTOMS" db import --db "$TMP/imported.sqlite" --quiet "$F/debian-osv.zip" "$F/go-osv.zip" >/dev/null
"$CUSTOMS" scan --quiet --db "$TMP/imported.sqlite" --max-db-age 0 -o json "$IMG" >"$TMP/imported.json"
pairs() { jq -r '(.matches + .suppressed)[] | "\(.id) \(.package.name) \(.fix.state) \(.severity.bucket)"' "$1" | sort; }
check "  ... and the matches are those of a database imported from the same files ($(pairs "$TMP/imported.json" | wc -l))" \
	test "$(pairs "$TMP/fetched.json")" = "$(pairs "$TMP/imported.json")" -a "$(pairs "$TMP/imported.json" | wc -l)" -gt 50
n=$(requests)
"$CUSTOMS" scan --quiet --db "$DB" --max-db-age 0 "$IMG" >/dev/null 2>&1
check_eq "a second scan uses the database: no request" "$(requests)" "$n"

# ---- --offline: never a request ---------------------------------------------
"$CUSTOMS" scan --offline --db "$TMP/other.sqlite" "$IMG" >/dev/null 2>"$TMP/offline.err"
check_eq "--offline without a database: exit 3" "$?" 3
check_eq "  ... one line saying what to run" "$(wc -l <"$TMP/offline.err")" 1
check "  ... db import or db update" grep -q "no vulnerability database at $TMP/other.sqlite, and --offline does not fetch one: build it with \`customs db import FEED...\` (files) or \`customs db update\`" "$TMP/offline.err"
check_eq "  ... no request made" "$(requests)" "$n"
check "  ... no database made" test ! -e "$TMP/other.sqlite"
"$CUSTOMS" scan --offline --db "$DB" registry:127.0.0.1:$port/some/image:1 >/dev/null 2>"$TMP/offreg.err"
check_eq "--offline with a registry image: usage error" "$?" 2
check_eq "  ... no request made" "$(requests)" "$n"
"$CUSTOMS" scan --offline --quiet --db "$DB" --max-db-age 0 "$IMG" >/dev/null 2>&1
check_eq "--offline with a database and a local image: exit 0" "$?" 0

# ---- a wrong image name is said before any download ---------------------------
"$CUSTOMS" scan --db "$TMP/third.sqlite" "$TMP/no-such-image.tar" >/dev/null 2>"$TMP/noimg.err"
check_eq "a missing image without a database: exit 3" "$?" 3
check "  ... the error names the image" grep -q "no-such-image.tar" "$TMP/noimg.err"
check_eq "  ... no request made" "$(requests)" "$n"

# ---- every feed unreachable: an error, no database ---------------------------
echo "dead http://127.0.0.1:1/x.zip" >"$TMP/dead.conf"
CUSTOMS_FEEDS=$TMP/dead.conf "$CUSTOMS" scan --db "$TMP/dead.sqlite" "$IMG" >/dev/null 2>"$TMP/dead.err"
check_eq "every feed unreachable: exit 3" "$?" 3
check "  ... saying the fetch failed and how to build the database offline" \
	grep -q "no vulnerability database at $TMP/dead.sqlite, and fetching the feeds failed: .*customs db import" "$TMP/dead.err"
check "  ... no database made" test ! -e "$TMP/dead.sqlite"

# ---- on a terminal: one progress line, rewritten ------------------------------
grep -v osv-debian "$TMP/feeds.conf" >"$TMP/small.conf" # the Go feed alone: quicker
CUSTOMS_FEEDS=$TMP/small.conf script -qec "'$CUSTOMS' scan --db '$TMP/tty.sqlite' --max-db-age 0 '$IMG' >/dev/null" \
	/dev/null >"$TMP/tty.out" 2>&1
check_eq "on a terminal: exit 0" "$?" 0
check "  ... the progress line is rewritten in place, feed by feed" \
	grep -q $'\r\033\\[Kcustoms scan: fetching the vulnerability feeds: 2/2 ' "$TMP/tty.out"
check "  ... the failed feed is a warning on a line of its own" \
	grep -q $'\r\033\\[Kcustoms scan: warning: missing: failed: ' "$TMP/tty.out"
check "  ... and ends with what was fetched" grep -q "customs scan: fetched 1 of 2 feeds into $TMP/tty.sqlite" "$TMP/tty.out"
check "  ... not the line for a log" bash -c "! grep -q 'feeds first' '$TMP/tty.out'"

finish
