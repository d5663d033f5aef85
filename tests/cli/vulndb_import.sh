#!/bin/bash
# vulndb_import.sh - `customs db import|update|status|show|affected` on the
# real feeds of $SHARED/feeds (counts checked against FORMATS-packages.md
# §9.2), re-import of one feed, an import killed with SIGKILL, `db update`
# against a local HTTP server with ETag/Last-Modified (304 on the second
# run), and malformed inputs whose warnings must name the file and record.
# The warnings go to DB.import.log (all of them), the summary says how many
# and where; --verbose prints them on stderr too.  Debian/Ubuntu Packages
# indexes (their release, bad stanzas, the map) and a schema-1 database
# migrated.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail # exit codes are checked one by one

[ -d "$SHARED/feeds" ] || skip "$SHARED/feeds is absent (the shared data set is present in CI)"
command -v python3 >/dev/null || skip "python3 is needed for the HTTP server and JSON checks"
F=$SHARED/feeds
DB=$TMP/vulndb.sqlite
export CUSTOMS_DB=$TMP/not-used.sqlite # --db is given everywhere; this must stay untouched

# json_get FILE EXPR: evaluate a python expression on the JSON document `d`
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
# json_true FILE EXPR: exit 0 when the expression holds
json_true() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }

# ---- import every shared feed ------------------------------------------------
start=$(date +%s.%N)
"$CUSTOMS" db import --db "$DB" "$F/debian-osv.zip" "$F/go-osv.zip" "$F/crates-osv.zip" "$F/pypi-osv.zip" \
	"$F/almalinux-osv.zip" "$F/alpine-secdb.zip" "$F"/ghsa/*.json >"$TMP/import.out" 2>"$TMP/import.err"
check_eq "import of all shared feeds exits 0" "$?" 0
end=$(date +%s.%N)
echo "# import took $(python3 -c "print(round($end - $start, 1))") s, database $(du -m "$DB" | cut -f1) MB"
cat "$TMP/import.out"

"$CUSTOMS" db status --db "$DB" -o json >"$TMP/status.json"
check_eq "db status -o json exits 0" "$?" 0
rec() { json_get "$TMP/status.json" "[s['records'] for s in d['sources'] if s['name']=='$1'][0]"; }
nsv() { json_get "$TMP/status.json" "[n['$2'] for n in d['namespaces'] if n['namespace']=='$1'][0]"; }
note() { grep "^$1 " "$TMP/import.out" | grep -o "[0-9]* $2" | cut -d' ' -f1; }

# FORMATS-packages.md §9.2: 44,181 Debian records (29 ids appear in two files),
# 31,332 of them with Debian:12 entries; 10,921 entries without a package.
check_eq "debian-osv: 44,181 records = stored + duplicates" "$(($(rec debian-osv) + $(note debian-osv duplicates)))" 44181
check_eq "debian-osv: records with Debian:12 entries" "$(nsv debian:12 vulnerabilities)" 31332
check_eq "debian-osv: affected entries without a package" "$(note debian-osv 'without package')" 10921
check_eq "debian-osv: Alpine {introduced 0, fixed 0} markers" "$(note debian-osv 'not-affected')" 216
check_eq "go-osv: 4,291 records, 17 withdrawn" "$(rec go-osv)+$(note go-osv withdrawn)" "4274+17"
check_eq "crates-osv: 1,206 records, 13 withdrawn" "$(rec crates-osv)+$(note crates-osv withdrawn)" "1193+13"
check_eq "pypi-osv: 2,661 records, 10 withdrawn" "$(rec pypi-osv)+$(note pypi-osv withdrawn)" "2651+10"
check_eq "pypi-osv: 1,391 GIT ranges ignored" "$(note pypi-osv 'GIT ranges')" 1391
check_eq "almalinux-osv: 5,680 records (43 ids in two release folders)" "$(($(rec almalinux-osv) + $(note almalinux-osv duplicates)))" 5680
check_eq "ghsa: 68 records, 1 withdrawn" "$(rec ghsa)+$(note ghsa withdrawn)" "67+1"
# secdb: 85,277 fix entries = 89,170 ids once "CVE-… GNUTLS-SA-…" strings are
# split; 38 of them sit under the 13 fixed versions apk-tools 2 and 3 both
# refuse (warned; tests/cli/feed_versions.sh lists them); "0" = 584 ids
check_eq "alpine-secdb: fix entries (ids)" "$(rec alpine-secdb)" 89132
check_eq "alpine-secdb: not-affected markers" "$(note alpine-secdb 'not-affected')" 584
check_eq "status: 7 feeds" "$(json_get "$TMP/status.json" "len(d['sources'])")" 7
check_eq "status: kinds" "$(json_get "$TMP/status.json" "','.join(sorted(set(s['kind'] for s in d['sources'])))")" "alpine-secdb,osv"
check_eq "status: debian-osv newest record" "$(json_get "$TMP/status.json" "[s['newest'][:10] for s in d['sources'] if s['name']=='debian-osv'][0]")" 2025-02-12
check "status: every feed has an age" json_true "$TMP/status.json" "all(s['age_days'] is not None for s in d['sources'])"
# the warnings: counted in one line after the table, every one in the log
nwarn=$(sed -n 's/^\([0-9]*\) warnings: see --verbose, or \(.*\)$/\1/p' "$TMP/import.out")
check_eq "the summary ends with one line saying how many warnings and where" \
	"$(tail -1 "$TMP/import.out")" "$nwarn warnings: see --verbose, or $DB.import.log"
check "  ... there are warnings ($nwarn)" test "${nwarn:-0}" -gt 50
check_eq "nothing on stderr without --verbose" "$(wc -c <"$TMP/import.err")" 0
check_eq "the log holds every warning, one a line" "$(wc -l <"$DB.import.log")" "$nwarn"
check "import warnings name the file and the record" grep -q "^$F/debian-osv.zip:DSA/2004/DSA-423.json: DSA-423: affected\[0\] kernel-image-2.4.17-ia64: fixed \"kernel-image-2.4.17-ia64\": dpkg version" "$DB.import.log"
# stderr used to stop at 10 of a kind per feed: the log has all 29 duplicate ids of debian-osv
check_eq "the log leaves none out (debian-osv's 29 duplicate ids)" \
	"$(grep -c "^$F/debian-osv.zip:.*: duplicate id in feed" "$DB.import.log")" "$(note debian-osv duplicates)"
check "no \"not shown\" summaries in the log" bash -c "! grep -q 'not shown' '$DB.import.log'"
"$CUSTOMS" db import --db "$TMP/verbose.sqlite" --verbose "$F/debian-osv.zip" >"$TMP/verbose.out" 2>"$TMP/verbose.err"
check_eq "--verbose: exit 0" "$?" 0
check "--verbose prints warnings naming file and record on stderr" grep -q "^customs db: warning: $F/debian-osv.zip:DSA/2004/DSA-423.json: DSA-423: " "$TMP/verbose.err"
check "--verbose: past 10 of a kind they are summarised, pointing at the log" \
	grep -q "^customs db: warning: feed debian-osv: [0-9]* more duplicate-id warnings not shown here (every one is in the import log)" "$TMP/verbose.err"
check_eq "--verbose: the log still holds them all" "$(wc -l <"$TMP/verbose.sqlite.import.log")" \
	"$(sed -n 's/^\([0-9]*\) warnings: .*/\1/p' "$TMP/verbose.out")"
"$CUSTOMS" db import --db "$TMP/verbose.sqlite" "$F/ghsa" >"$TMP/clean.out" 2>&1
check "an import without warnings removes the last import's log" test ! -e "$TMP/verbose.sqlite.import.log"
check "  ... and its summary has no warnings line" bash -c "! grep -q warnings '$TMP/clean.out'"

"$CUSTOMS" db status --db "$DB" >"$TMP/status.txt"
check "status table lists debian-osv with its record count" grep -Eq "^debian-osv +osv +44152 " "$TMP/status.txt"
check "status table lists namespaces" grep -Eq "^debian:12 +[0-9]+ +[0-9]+ +31332$" "$TMP/status.txt"
"$CUSTOMS" db status --db "$DB" --max-age 100000 >/dev/null 2>&1
check_eq "status --max-age 100000 exits 0" "$?" 0
"$CUSTOMS" db status --db "$DB" --max-age 30 >/dev/null 2>"$TMP/maxage.err"
check_eq "status --max-age 30 exits 1 (the shared feeds are old)" "$?" 1
check "status --max-age warns naming the feed" grep -q "warning: feed debian-osv is [0-9]* days old" "$TMP/maxage.err"

# ---- spot checks through the query API -------------------------------------
"$CUSTOMS" db affected --db "$DB" -o json debian:12 openssl >"$TMP/openssl.json"
check_eq "debian:12 openssl CVE-2008-0166: fixed version, urgency" \
	"$(json_get "$TMP/openssl.json" "[(a['fixed'], a['urgency'], a['fix_state'], a['scheme']) for a in d if a['id']=='CVE-2008-0166']")" \
	"[(['0.9.8g-9'], 'high', 'fixed', 'dpkg')]"
check_eq "debian:12 openssl: CVE-2023-0464 fixed in 3.0.9-1" \
	"$(json_get "$TMP/openssl.json" "[a['fixed'] for a in d if a['id']=='CVE-2023-0464']")" "[['3.0.9-1']]"
"$CUSTOMS" db affected --db "$DB" alpine:3.15 postgresql-common >"$TMP/pgc.txt"
check_eq "alpine:3.15 postgresql-common CVE-2019-3466 not-affected (OSV and secdb)" \
	"$(awk -F'\t' '$1=="CVE-2019-3466" {print $2 "=" $4}' "$TMP/pgc.txt" | sort | tr '\n' ' ')" \
	"alpine-secdb=not-affected debian-osv=not-affected "
"$CUSTOMS" db show --db "$DB" -o json GHSA-29mw-wpgm-hmr9 >"$TMP/ghsa.json"
check_eq "GHSA lodash record: alias CVE-2020-28500" \
	"$(json_get "$TMP/ghsa.json" "[(g['id'], g['relation']) for g in d['group'][:2]]")" \
	"[('GHSA-29mw-wpgm-hmr9', 'self'), ('CVE-2020-28500', 'alias')]"
check_eq "GHSA lodash record: packages and fixes (last_affected: fix unknown)" \
	"$(json_get "$TMP/ghsa.json" "sorted((a['namespace'], a['package'], a['fix_state'], a['fixed']) for a in d['affected'])")" \
	"[('npm', 'lodash', 'fixed', ['4.17.21']), ('npm', 'lodash-es', 'fixed', ['4.17.21']), ('npm', 'lodash.trim', 'unknown', []), ('npm', 'lodash.trimend', 'unknown', [])]"
check_eq "GHSA lodash record: severity and computed CVSS score" \
	"$(json_get "$TMP/ghsa.json" "(d['severity'], d['cvss3_score'], d['cwes'])")" "('MODERATE', 5.3, ['CWE-1333', 'CWE-400'])"
"$CUSTOMS" db show --db "$DB" -o json CVE-2020-28500 >"$TMP/cve.json"
check "CVE-2020-28500 (Debian) groups with the GHSA" json_true "$TMP/cve.json" \
	"any(g['id']=='GHSA-29mw-wpgm-hmr9' and g['relation']=='alias' for g in d['group'])"
"$CUSTOMS" db show --db "$DB" -o json GO-2021-0067 >"$TMP/go.json"
check_eq "Go stdlib record GO-2021-0067" \
	"$(json_get "$TMP/go.json" "[(a['namespace'], a['package'], a['scheme'], a['ranges']) for a in d['affected']]")" \
	"[('go', 'stdlib', 'go', [{'type': 'SEMVER', 'events': [{'introduced': '1.16.0-0'}, {'fixed': '1.16.1'}]}])]"
check_eq "Go stdlib record aliases its CVE" "$(json_get "$TMP/go.json" "[g['id'] for g in d['group']]")" "['GO-2021-0067', 'CVE-2021-27919']"
"$CUSTOMS" db affected --db "$DB" pypi PyYAML >"$TMP/pyyaml.txt"
check "pypi names are normalised (PyYAML finds pyyaml)" grep -q "^PYSEC-2020-176	pypi-osv	pypi	fixed	5.2b1	" "$TMP/pyyaml.txt"
"$CUSTOMS" db show --db "$DB" DSA-5865-1 >"$TMP/dsa.txt"
check "DSA record lists its CVEs as related" grep -q "^related     CVE-2025-24143" "$TMP/dsa.txt"
"$CUSTOMS" db show --db "$DB" RUSTSEC-2019-0031 >/dev/null 2>"$TMP/withdrawn.err"
check_eq "withdrawn RUSTSEC-2019-0031 is not in the database" "$?" 3
[ -e "$CUSTOMS_DB" ] && not_ok "CUSTOMS_DB was touched although --db was given" || ok "CUSTOMS_DB untouched"

# ---- enrichment feeds and the default path -----------------------------------
S=$SRCDIR/tests/data/feeds
CUSTOMS_DB=$TMP/env.sqlite "$CUSTOMS" db import -q "$S/nvdcve-2.0-sample.json" "$S/epss_scores-sample.csv" \
	"$S/known_exploited_vulnerabilities.json" "$S/debian-tracker.json" >/dev/null
check_eq "CUSTOMS_DB names the database" "$(CUSTOMS_DB=$TMP/env.sqlite "$CUSTOMS" db status -o json | json_get /dev/stdin "len(d['sources'])")" 4
XDG_DATA_HOME=$TMP/xdg CUSTOMS_DB= "$CUSTOMS" db import -q "$S/known_exploited_vulnerabilities.json" >/dev/null
check "XDG_DATA_HOME/customs/vulndb.sqlite is the default" test -s "$TMP/xdg/customs/vulndb.sqlite"
CUSTOMS_DB=$TMP/env.sqlite "$CUSTOMS" db show -o json CVE-2021-44228 >"$TMP/log4j.json"
check_eq "CVE-2021-44228: NVD score, EPSS, KEV" \
	"$(json_get "$TMP/log4j.json" "[(e['nvd_cvss3_score'], e['epss'], e['kev'], e['kev_date_added']) for e in d['enrichment']]")" \
	"[(10.0, 0.94358, True, '2021-12-10')]"

# ---- re-importing one feed replaces only that feed ---------------------------
cp "$DB" "$TMP/before.sqlite"
mkdir -p "$TMP/ghsa"
cp "$F/ghsa/GHSA-29mw-wpgm-hmr9.json" "$F/ghsa/GHSA-248v-346w-9cwc.json" "$F/ghsa/GHSA-2xpw-w6gg-jr37.json" "$TMP/ghsa/"
"$CUSTOMS" db import --db "$DB" "$TMP/ghsa" >"$TMP/reimport.out" 2>&1
check_eq "re-import of a smaller ghsa exits 0" "$?" 0
"$CUSTOMS" db status --db "$DB" -o json >"$TMP/status2.json"
r2() { json_get "$TMP/status2.json" "[s['records'] for s in d['sources'] if s['name']=='$1'][0]"; }
check_eq "ghsa now holds 3 records" "$(r2 ghsa)" 3
check_eq "debian-osv unchanged" "$(r2 debian-osv)" 44152
check_eq "alpine-secdb unchanged" "$(r2 alpine-secdb)" 89132
check_eq "7 feeds still" "$(json_get "$TMP/status2.json" "len(d['sources'])")" 7
"$CUSTOMS" db affected --db "$DB" debian:12 openssl | grep -q "^CVE-2008-0166	debian-osv	debian:12	fixed	0.9.8g-9" &&
	ok "debian-osv entries still answer" || not_ok "debian-osv entries lost by the ghsa re-import"
"$CUSTOMS" db affected --db "$DB" npm axios >"$TMP/axios.txt"
check_eq "ghsa records not in the new import are gone (npm axios)" "$(wc -l <"$TMP/axios.txt")" 0

# ---- kill -9 in the middle of an import leaves the old database -------------
cp "$TMP/before.sqlite" "$DB"
sum_before=$(md5sum <"$DB")
"$CUSTOMS" db import -q --db "$DB" "$F/debian-osv.zip" >/dev/null 2>&1 &
pid=$!
# wait until the temporary database is being written
for _ in $(seq 1 200); do
	t=$(ls "$DB".tmp-* 2>/dev/null | head -1)
	[ -n "$t" ] && [ "$(stat -c %s "$t")" -gt 20000000 ] && break
	sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check "the killed import left its temporary file" test -n "$(ls "$DB".tmp-* 2>/dev/null)"
check_eq "the database file is untouched by the killed import" "$(md5sum <"$DB")" "$sum_before"
"$CUSTOMS" db status --db "$DB" -o json >"$TMP/status3.json"
check_eq "the old database opens and answers after kill -9" "$(json_get "$TMP/status3.json" "[s['records'] for s in d['sources'] if s['name']=='ghsa'][0]")" 67
"$CUSTOMS" db affected --db "$DB" debian:12 openssl | grep -q "^CVE-2008-0166	" &&
	ok "queries answer after kill -9" || not_ok "queries fail after kill -9"
"$CUSTOMS" db import -q --db "$DB" "$S/known_exploited_vulnerabilities.json" >/dev/null
check_eq "the next import removes the stale temporary file" "$(ls "$DB".tmp-* 2>/dev/null | wc -l)" 0

# ---- db update from a local HTTP server with ETag / Last-Modified ------------
mkdir -p "$TMP/www"
cp "$F/go-osv.zip" "$F/crates-osv.zip" "$S/known_exploited_vulnerabilities.json" "$TMP/www/"
serve_files "$TMP/www"
cat >"$TMP/feeds.conf" <<EOF
# name url
osv-go        http://127.0.0.1:$port/go-osv.zip
osv-crates.io http://127.0.0.1:$port/crates-osv.zip   osv
kev           http://127.0.0.1:$port/known_exploited_vulnerabilities.json
EOF
UDB=$TMP/update.sqlite
"$CUSTOMS" db update --db "$UDB" --config "$TMP/feeds.conf" >"$TMP/update1.out" 2>"$TMP/update1.err"
check_eq "db update (first run) exits 0" "$?" 0
check "first run downloads all three feeds" grep -q "^3 feeds downloaded, 0 not modified, 0 failed" "$TMP/update1.out"
"$CUSTOMS" db status --db "$UDB" -o json >"$TMP/ustatus.json"
check_eq "updated database: osv-go records" "$(json_get "$TMP/ustatus.json" "[s['records'] for s in d['sources'] if s['name']=='osv-go'][0]")" 4274
check_eq "updated database: kev records and kind" "$(json_get "$TMP/ustatus.json" "[(s['records'], s['kind']) for s in d['sources'] if s['name']=='kev'][0]")" "(2, 'kev')"
check "updated database stores ETag and Last-Modified per feed" json_true "$TMP/ustatus.json" \
	"all(s['etag'] and s['last_modified'] and s['url'].startswith('http://127.0.0.1') for s in d['sources'])"
sum1=$(md5sum <"$UDB")
"$CUSTOMS" db update --db "$UDB" --config "$TMP/feeds.conf" >"$TMP/update2.out" 2>"$TMP/update2.err"
check_eq "db update (second run) exits 0" "$?" 0
check "second run: every feed not modified" grep -q "^0 feeds downloaded, 3 not modified, 0 failed" "$TMP/update2.out"
check_eq "second run: 3 requests answered 304 with If-None-Match and If-Modified-Since" \
	"$(grep -c ' 304 inm="[0-9a-f]*-[0-9a-f]*" ims=[A-Z][a-z][a-z], ' "$TMP/http.log")" 3
check_eq "second run leaves the database file as it was" "$(md5sum <"$UDB")" "$sum1"
touch -d '2030-01-01' "$TMP/www/known_exploited_vulnerabilities.json"
"$CUSTOMS" db update --db "$UDB" --config "$TMP/feeds.conf" >"$TMP/update3.out" 2>&1
check "a changed file is downloaded again, the rest is not" grep -q "^1 feed downloaded, 2 not modified, 0 failed" "$TMP/update3.out"
check_eq "go records kept through a partial update" "$("$CUSTOMS" db status --db "$UDB" -o json | json_get /dev/stdin "[s['records'] for s in d['sources'] if s['name']=='osv-go'][0]")" 4274
echo "broken http://127.0.0.1:$port/missing.json" >>"$TMP/feeds.conf"
"$CUSTOMS" db update --db "$UDB" --config "$TMP/feeds.conf" >"$TMP/update4.out" 2>"$TMP/update4.err"
check_eq "a failing feed does not fail the update" "$?" 0
check "the failing feed is reported" grep -q "broken: failed: .*missing.json: HTTP status 404 (its records are kept)" "$TMP/update4.err"
echo "osv-go http://127.0.0.1:$port/x" >>"$TMP/feeds.conf"
"$CUSTOMS" db update --db "$UDB" --config "$TMP/feeds.conf" >/dev/null 2>"$TMP/update5.err"
check_eq "a feed name used twice in the config is a usage error" "$?" 2
"$CUSTOMS" db update --list | grep -q "^osv-debian https://osv-vulnerabilities.storage.googleapis.com/Debian/all.zip$" &&
	ok "update --list shows the built-in osv.dev feeds" || not_ok "update --list lacks osv-debian"
kill $SERVER_PID 2>/dev/null

# ---- malformed input: warnings name the file and the record ------------------
B=$TMP/bad
mkdir -p "$B/feed"
printf '{"id": "BAD-JSON-1", "affected": [' >"$B/feed/truncated.json"
printf '{"id":"BAD-UTF8-1","summary":"caf\xe9","affected":[]}' >"$B/feed/latin1.json"
echo '{"id":"NO-AFFECTED-1","modified":"2024-01-01T00:00:00Z"}' >"$B/feed/no-affected.json"
echo '{"id":"RANGE-1","affected":[{"package":{"ecosystem":"npm","name":"x"},"ranges":[{"type":"WEIRD","events":[{"introduced":"0"}]}]}]}' >"$B/feed/range.json"
echo '{"id":"VERSION-1","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.0 final"}]}]}]}' >"$B/feed/version.json"
echo '{"id":"GHSA-29mw-wpgm-hmr9","affected":[{"package":{"ecosystem":"npm","name":"lodash"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"4.17.21"}]}]}]}' >"$B/feed/dup.json"
echo 'just text' >"$B/feed/notes.json"
head -c 600000 "$F/crates-osv.zip" >"$B/truncated.zip"
"$CUSTOMS" db import --db "$DB" --verbose "$B/feed" "$B/truncated.zip" >"$TMP/bad.out" 2>"$TMP/bad.err"
check_eq "an import with malformed records still exits 0" "$?" 0
cat "$TMP/bad.err"
w() { grep -qF "customs db: warning: $1" "$TMP/bad.err"; }
check "truncated JSON: file and record named" w "$B/feed/truncated.json: BAD-JSON-1: not valid JSON: value expected (truncated?) at byte 34"
check "non-UTF-8: file, record and byte named" w "$B/feed/latin1.json: BAD-UTF8-1: not valid JSON: invalid UTF-8 at byte 33"
check "missing affected: file and record named" w "$B/feed/no-affected.json: NO-AFFECTED-1: no \"affected\" packages"
check "unknown range type: file and record named" w "$B/feed/range.json: RANGE-1: affected[0] x: range type \"WEIRD\" is not supported"
check "bad version: file, record and version named" w "$B/feed/version.json: VERSION-1: affected[0] x: fixed \"1.0 final\": pep440 version"
check "duplicate id across feeds: file, record and other feed named" w "$B/feed/dup.json: GHSA-29mw-wpgm-hmr9: duplicate id: also in feed \"ghsa\"; both kept"
check "not a feed inside a directory: a warning" w "$B/feed/notes.json: not a known feed format; skipped"
check "truncated zip: file (and member) named" grep -Eq "customs db: warning: $B/truncated.zip(:RUSTSEC-[0-9-]*.json)?: truncated or corrupt zip: " "$TMP/bad.err"
check "truncated zip keeps its first records" grep -Eq "^truncated +osv +[1-9][0-9]* " "$TMP/bad.out"
"$CUSTOMS" db import --db "$DB" "$B/feed/notes.json" >/dev/null 2>"$TMP/notfeed.err"
check_eq "a single input that is not a feed fails the import" "$?" 3
check "... saying so and leaving the database unchanged" grep -q "notes.json: not a feed customs reads.*(the database is unchanged)" "$TMP/notfeed.err"
"$CUSTOMS" db import --db "$DB" /nonexistent.zip >/dev/null 2>&1
check_eq "a missing input fails the import" "$?" 3
"$CUSTOMS" db import --db "$DB" >/dev/null 2>&1
check_eq "import without inputs is a usage error" "$?" 2
"$CUSTOMS" db frobnicate >/dev/null 2>&1
check_eq "unknown db subcommand is a usage error" "$?" 2

# ---- Packages indexes: the binary -> source map of a release ------------------
P=$TMP/pk
mkdir -p "$P"
cat >"$P/bad_Packages" <<'PK'
Package: libc6
Source: glibc
Version: 2.36-9+deb12u4
Architecture: amd64
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: Bad Name
Version: 1.0

Package: libfoo1
Version: 1.0-1 !

this line is no field
Package: bsdutils
Source: util-linux (2.38.1-5+deb12u1
Version: 1:2.38.1-5+deb12u1

Version: 2.0-1
Architecture: all

Package: libcap2
Source: libcap2 (1:2.66-4)
Version: 1:2.66-4+b1
PK
"$CUSTOMS" db import --db "$P/db.sqlite" --release debian:12 "$P/bad_Packages" >"$P/out" 2>"$P/err"
check_eq "a Packages index with bad stanzas imports the rest" "$?" 0
cat "$P/err"
pw() { grep -qF "$P/bad_Packages: $1" "$P/db.sqlite.import.log"; }
check "bad package name: line and name" pw 'line 9: Package "Bad Name" is not a package name; skipped'
check "bad version: line, package and version" pw 'line 12: package libfoo1: Version "1.0-1 !" is not a dpkg version; skipped'
check "not a field line: line and text" pw 'line 15: not a "Field: value" line: "this line is no field"; ignored'
check "bad Source: line, package and field" pw 'line 16: package bsdutils: Source "util-linux (2.38.1-5+deb12u1" is not "NAME (VERSION)"; skipped'
check "a stanza without Package: its line" pw 'line 20: a stanza without Package; skipped'
check_eq "2 binaries stored, 5 problems counted" "$(awk '$2 == "packages-index" {print $3, $5, $6}' "$P/out")" "2 5 malformed"
check_eq "the map: libc6 from glibc, libcap2 a binNMU of 1:2.66-4" \
	"$(sqlite3 "$P/db.sqlite" "SELECT binary || '=' || src || '@' || src_version FROM binaries ORDER BY binary" | tr '\n' ' ')" \
	"libc6=glibc@2.36-9+deb12u4 libcap2=libcap2@1:2.66-4 "
printf 'Package: libc6\nVersion: 2.36-9\n' >"$P/nothing.txt"
"$CUSTOMS" db import --db "$P/db.sqlite" "$P/nothing.txt" >/dev/null 2>"$P/err2"
check_eq "a Packages index whose release nothing tells fails" "$?" 3
check "  ... saying to name it" grep -qF "nothing.txt: a Packages index of a release customs cannot tell (neither a dists/SUITE file name nor +debNN or ~YY.MM versions): name it with --release, e.g. --release debian:12 (the database is unchanged)" "$P/err2"
"$CUSTOMS" db import --db "$P/db.sqlite" --release 'debian 12' "$P/nothing.txt" >/dev/null 2>"$P/err3"
check "a bad --release is named" grep -qF 'release "debian 12" is not a namespace such as debian:12 or ubuntu:22.04' "$P/err3"
cp "$P/nothing.txt" "$P/archive.ubuntu.com_ubuntu_dists_jammy-updates_main_binary-amd64_Packages"
gzip -k "$P/archive.ubuntu.com_ubuntu_dists_jammy-updates_main_binary-amd64_Packages"
"$CUSTOMS" db import --db "$P/db.sqlite" "$P/archive.ubuntu.com_ubuntu_dists_jammy-updates_main_binary-amd64_Packages.gz" >/dev/null
check_eq "apt's file name tells the release (jammy-updates: ubuntu:22.04)" \
	"$(sqlite3 "$P/db.sqlite" "SELECT DISTINCT ns FROM binaries ORDER BY ns" | tr '\n' ' ')" "debian:12 ubuntu:22.04 "
printf 'Package: libssl3\nSource: openssl\nVersion: 3.0.2-0ubuntu1.18\n\nPackage: curl\nVersion: 7.81.0-1ubuntu1.20~22.04.1\n' >"$P/u.txt"
"$CUSTOMS" db import --db "$P/db.sqlite" --name ubuntu-versions "$P/u.txt" >/dev/null
check_eq "Ubuntu's ~YY.MM versions tell the release" \
	"$(sqlite3 "$P/db.sqlite" "SELECT ns FROM binaries b JOIN sources s ON s.id = b.source WHERE s.name = 'ubuntu-versions' LIMIT 1")" ubuntu:22.04
"$CUSTOMS" db status --db "$P/db.sqlite" >"$P/status"
check "db status shows the maps" grep -Eq '^ubuntu:22.04 +3 +3 +3 +archive.ubuntu.com_ubuntu_dists_jammy-updates_main_binary-amd64_Packages,ubuntu-versions$' "$P/status"

# ---- a schema-1 database: read as it is, its feeds kept by an import ----------
cp "$TMP/before.sqlite" "$P/v1.sqlite"
sqlite3 "$P/v1.sqlite" "DROP TABLE binaries; DROP TABLE binary_maps; UPDATE meta SET value = '1' WHERE key = 'schema_version'"
"$CUSTOMS" db status --db "$P/v1.sqlite" -o json >"$P/v1.json"
check_eq "a schema-1 database opens (schema 1, its feeds)" \
	"$(json_get "$P/v1.json" "(d['schema_version'], len(d['sources']), d['binary_maps'])")" "(1, 7, [])"
"$CUSTOMS" db import --db "$P/v1.sqlite" -q --release debian:12 "$P/nothing.txt" >/dev/null
"$CUSTOMS" db status --db "$P/v1.sqlite" -o json >"$P/v2.json"
check_eq "an import migrates it: schema 2, the 7 feeds kept, the index added" \
	"$(json_get "$P/v2.json" "(d['schema_version'], len(d['sources']), [m['packages'] for m in d['binary_maps']])")" "(2, 8, [1])"

finish
