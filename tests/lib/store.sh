# store.sh - sourced by tests/cli/store_*.sh after common.sh: stores to test
# against.  sqlite_store NAME: a new SQLite store's URL.  pg_setup: a
# PostgreSQL cluster to make databases in, the one $CUSTOMS_TEST_POSTGRES
# names (scripts/test.sh starts one), else a throw-away one of this test
# (tests/tools/pg-cluster.sh), else none (returns 1: the caller skips that
# half, which fails under CI=true); call it in the test's own shell, not in
# $(...), so that the cluster it starts is stopped when the test exits.
# pg_store NAME: a new, empty database's URL in it.

PG_OWN= PG_TOP= PG_BASE=
store_cleanup() {
	[ -n "$PG_OWN" ] && bash "$SRCDIR/tests/tools/pg-cluster.sh" stop "$PG_OWN" >/dev/null 2>&1
	[ -n "$PG_TOP" ] && rm -rf "$PG_TOP"
	rm -rf "$TMP"
}
trap store_cleanup EXIT

sqlite_store() {
	echo "sqlite:$TMP/$1.sqlite"
}

pg_setup() {
	[ -n "$PG_BASE" ] && return 0
	if [ -n "${CUSTOMS_TEST_POSTGRES:-}" ]; then
		PG_BASE=$CUSTOMS_TEST_POSTGRES
		return 0
	fi
	command -v psql >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || return 1
	# the cluster's directory must be reachable by the postgres user
	PG_TOP=$(mktemp -d /tmp/customs-pg.XXXXXX)
	chmod 755 "$PG_TOP"
	PG_OWN=$PG_TOP/c
	bash "$SRCDIR/tests/tools/pg-cluster.sh" start "$PG_OWN" >/dev/null 2>"$TMP/pg-start.err" || {
		cat "$TMP/pg-start.err" >&2
		PG_OWN=
		return 1
	}
	PG_BASE=$(cat "$PG_OWN/url")
}

# pg_store NAME: a database of its own for each store of a test
pg_store() {
	local db
	[ -n "$PG_BASE" ] || return 1
	db="t_$1_$$_$RANDOM"
	psql -q "$PG_BASE" -c "CREATE DATABASE $db" >/dev/null 2>"$TMP/createdb.err" || {
		cat "$TMP/createdb.err" >&2
		return 1
	}
	echo "${PG_BASE%/*}/$db"
}

# on_both FN NAME: FN URL LABEL on a new SQLite store, then on a new
# PostgreSQL database (a partial test without PostgreSQL: a failure under
# CI=true); the SQLite file passes its integrity check after FN.
on_both() {
	local S P
	S=$(sqlite_store "$2")
	"$1" "$S" sqlite
	check_eq "sqlite: integrity check after $2" "$(sqlite3 "${S#sqlite:}" 'PRAGMA integrity_check')" ok
	if pg_setup && P=$(pg_store "$2"); then
		"$1" "$P" postgres
	else
		partial "no PostgreSQL server: the PostgreSQL half (apt-get install postgresql)"
	fi
}

# The vulnerability databases the store tests match against: db1 the
# Debian feed, db2 the same and GitHub's advisories (another build, more
# matches for the npm and Python packages).
store_dbs() {
	need_shared feeds/debian-osv.zip
	need_shared feeds/ghsa
	DB1=$TMP/db1.sqlite DB2=$TMP/db2.sqlite
	"$CUSTOMS" db import --quiet --db "$DB1" "$SHARED/feeds/debian-osv.zip" >/dev/null 2>&1
	check "db import debian-osv.zip" test -s "$DB1"
	cp "$DB1" "$DB2"
	"$CUSTOMS" db import --quiet --db "$DB2" "$SHARED/feeds/ghsa" >/dev/null 2>&1
	check "db import ghsa beside it" test -s "$DB2"
}

jqr() { # jqr FILTER FILE: one raw value
	jq -r "$1" "$2"
}

# store_conformance URL LABEL: every store operation against one store, each
# checked against an oracle that does not share customs' code (the
# fixtures' dpkg-query and file lists, a scan without a store, dpkg's own
# version comparison).
store_conformance() {
	local S=$1 L=$2 O=$FIXTURES/oci d
	local MIN=oci:$O/debian-min RICH=oci:$O/debian-rich
	export CUSTOMS_DB=$DB1 SOURCE_DATE_EPOCH=1700000000
	d=$TMP/$L
	mkdir -p "$d"

	# analyse: stored, its layers read; the second image reads only its own layers
	"$CUSTOMS" analyze --store "$S" --quiet --tag min:1 -o json "$MIN" >"$d/a1.json"
	check_eq "$L: analyze min stores it" "$(jqr '.[0].status' "$d/a1.json")/$(jqr '.[0].layers_read' "$d/a1.json")" stored/1
	"$CUSTOMS" analyze --store "$S" --quiet --tag rich:1 -o json "$RICH" >"$d/a2.json"
	check_eq "$L: analyze rich reads its own 4 layers, the base layer from the store" \
		"$(jqr '.[0] | "\(.status)/\(.layers_read)/\(.layers_from_store)"' "$d/a2.json")" stored/4/1
	"$CUSTOMS" analyze --store "$S" --quiet -o json "$RICH" >"$d/a3.json"
	check_eq "$L: a known digest is not analysed again" "$(jqr '.[0] | "\(.status)/\(.layers_read)"' "$d/a3.json")" known/0
	"$CUSTOMS" analyze --store "$S" --quiet --force -o json "$RICH" >"$d/a4.json"
	check_eq "$L: --force analyses again, every layer from the store" \
		"$(jqr '.[0] | "\(.status)/\(.layers_read)/\(.layers_from_store)"' "$d/a4.json")" stored/0/5

	# the list
	"$CUSTOMS" images --store "$S" -o json >"$d/images.json"
	check_eq "$L: images lists both" "$(jqr 'length' "$d/images.json")" 2
	check_eq "$L: min's packages are dpkg-query's" "$(jqr '.[] | select(.tags == ["min:1"]) | .packages' "$d/images.json")" \
		"$(wc -l <"$FIXTURES/expected/debian-min.dpkg.tsv")"
	"$CUSTOMS" scan --quiet --max-db-age 0 -o json "$RICH" >"$d/scan.json"
	check_eq "$L: rich's counts are a scan's" \
		"$(jqr '.[] | select(.tags == ["rich:1"]) | .vulnerabilities | [.critical, .high, .medium, .low] | join(",")' "$d/images.json")" \
		"$(jqr '.summary.by_severity | [.critical, .high, .medium, .low] | join(",")' "$d/scan.json")"

	# what comes back is what was stored, in every format
	for f in json spdx-json cyclonedx-json table purls; do
		"$CUSTOMS" sbom --quiet -o "$f" "$RICH" >"$d/fresh.$f"
		"$CUSTOMS" sbom --quiet --store "$S" -o "$f" store:rich:1 >"$d/stored.$f"
		check "$L: sbom -o $f of the stored analysis is the fresh one's" cmp -s "$d/fresh.$f" "$d/stored.$f"
	done
	"$CUSTOMS" inspect --quiet --scope all-layers -o json "$RICH" >"$d/fresh.inspect"
	"$CUSTOMS" inspect --quiet --scope all-layers --store "$S" -o json store:rich:1 >"$d/stored.inspect"
	check "$L: inspect --scope all-layers of the stored analysis is the fresh one's" cmp -s "$d/fresh.inspect" "$d/stored.inspect"

	# queries, against the fixtures' own lists
	q() { "$CUSTOMS" query --store "$S" -o json "$@"; }
	q rich:1 packages --type deb | jq -r '.[] | "\(.name)\t\(.version)\t\(.arch)"' | sort >"$d/debs"
	cut -f1-3 "$FIXTURES/expected/debian-rich.dpkg.tsv" | sort >"$d/debs.want"
	check "$L: query packages --type deb is dpkg-query's list" cmp -s "$d/debs" "$d/debs.want"
	q rich:1 files | jq -r '.[].path' | sort >"$d/files"
	sed 's|^|/|' "$FIXTURES/expected/debian-rich.files.tsv" | cut -f1 | sort >"$d/files.want"
	check "$L: query files is the rootfs's file list" cmp -s "$d/files" "$d/files.want"
	q rich:1 setuid | jq -r '.[] | "\(.path) \(.mode)"' | sort >"$d/setuid"
	awk -F'\t' '$2 != "d" && substr($3, 1, 1) ~ /[2-7]/ { print "/" $1 " " $3 }' \
		"$FIXTURES/expected/debian-rich.files.tsv" | sort >"$d/setuid.want"
	check "$L: query setuid is the rootfs's setuid and setgid files" cmp -s "$d/setuid" "$d/setuid.want"
	check_eq "$L: query layers lists the 5 layers' digests" "$(q rich:1 layers | jq -r '.[].digest' | paste -sd' ')" \
		"$(cut -f2 "$FIXTURES/expected/debian-rich.layers.tsv" | paste -sd' ')"
	check_eq "$L: query introduced-by curl: layer 1, apt-get install" \
		"$(q rich:1 introduced-by curl | jq -r '.[0] | "\(.layer) \(.created_by | split(" ")[0])"')" "1 apt-get"
	check_eq "$L: query config: NODE_ENV" "$(q rich:1 config | jq -r '.[] | select(.key == "NODE_ENV") | .value')" production
	check_eq "$L: query base of rich is min" "$(q rich:1 base | jq -r '.[0].tags')" min:1

	# an evaluation through the store: the stored base gives the base layers
	# (min's one layer), the verdict is kept with the bundle's digest
	local B=$SRCDIR/tests/data/policy/anchore_default_bundle.json
	"$CUSTOMS" evaluate --store "$S" --quiet -o json --policy "$B" store:rich:1 >"$d/eval.json"
	check_eq "$L: evaluate through the store: the stored base is layer 0" "$(jqr '.base_layers' "$d/eval.json")" 1
	q rich:1 evaluations >"$d/evals.json"
	check_eq "$L: query evaluations: the verdict kept with the bundle's digest" \
		"$(jqr '.[0] | "\(.action) \(.bundle_digest)"' "$d/evals.json")" \
		"$(jqr '"\(.final_action) \(.bundle.digest)"' "$d/eval.json")"
	q rich:1 vulns >"$d/vulns.json"
	check_eq "$L: query vulns are the scan's active matches" "$(jqr 'length' "$d/vulns.json")" "$(jqr '.summary.matches' "$d/scan.json")"
	check_eq "$L: query vulns: inherited from the base = matches of layer-0 packages" \
		"$(jqr '[.[] | select(.origin == "base")] | length' "$d/vulns.json")" \
		"$(jqr '[.matches[] | select(.package.layer == 0)] | length' "$d/scan.json")"
	q rich:1 unowned-files | jq -r '.[].path' >"$d/unowned"
	check "$L: query unowned-files: the app's files, no dpkg-owned file" \
		bash -c "grep -qx /app/server.js '$d/unowned' && ! grep -qx /usr/bin/su '$d/unowned'"

	# over every image: one SQL query each
	check_eq "$L: has-package libc6 (both)" "$(q --all has-package libc6 | jq -r '[.[].tags] | sort | join(" ")')" "min:1 rich:1"
	check_eq "$L: has-package openssl --type deb: where dpkg-query lists it" \
		"$(q --all has-package openssl --type deb | jq -r '[.[].tags] | sort | join(" ")')" \
		"$(for i in min rich; do cut -f1 "$FIXTURES/expected/debian-$i.dpkg.tsv" | grep -qx openssl && echo "$i:1"; done | paste -sd' ')"
	local v
	v=$(awk -F'\t' '$1 == "libc6" { print $2 }' "$FIXTURES/expected/debian-rich.dpkg.tsv")
	check_eq "$L: has-package libc6 --version '<$v' (dpkg's order): none" "$(q --all has-package libc6 --version "<$v" | jq length)" 0
	check_eq "$L: has-package libc6 --version '>=$v': both" "$(q --all has-package libc6 --version ">=$v" | jq length)" 2
	dpkg --compare-versions "$v" lt "$v+b1" && check_eq "$L: has-package libc6 --version '<$v+b1': both" \
		"$(q --all has-package libc6 --version "<$v+b1" | jq length)" 2
	local id
	"$CUSTOMS" scan --quiet --max-db-age 0 -o json "$MIN" >"$d/scan-min.json"
	id=$(jq -r --slurpfile m "$d/scan-min.json" '[.matches[].id] - [$m[0].matches[].id] | .[0]' "$d/scan.json")
	check_eq "$L: has-vuln $id (lower case): rich only" "$(q --all has-vuln "$(echo "$id" | tr A-Z a-z)" | jq -r '[.[].tags] | unique | join(" ")')" rich:1
	check_eq "$L: has-file /usr/bin/su: both" "$(q --all has-file /usr/bin/su | jq -r '[.[].tags] | sort | join(" ")')" "min:1 rich:1"
	check_eq "$L: has-file /app/server.js: rich" "$(q --all has-file app/server.js | jq -r '[.[].tags] | join(" ")')" rich:1
	# purged in layer 3: in the layer below, not in the image
	check_eq "$L: has-file /usr/bin/wget (deleted by layer 3): none" "$(q --all has-file /usr/bin/wget | jq length)" 0

	# a tag that moves is a new row
	"$CUSTOMS" analyze --store "$S" --quiet --tag moving "$MIN" >/dev/null
	"$CUSTOMS" analyze --store "$S" --quiet --tag moving "$RICH" >/dev/null
	check_eq "$L: tag-history of a moved tag: two rows, the newest current" \
		"$(q --all tag-history moving | jq -r '[.[] | "\(.digest[7:19]):\(.current)"] | join(" ")')" \
		"$(jqr '.[0].digest[7:19]' "$d/a1.json"):false $(jqr '.[0].digest[7:19]' "$d/a2.json"):true"

	# diff of the two, against the dpkg lists
	"$CUSTOMS" diff --store "$S" -o json min:1 rich:1 >"$d/diff.json"
	check_eq "$L: diff: debs added are dpkg-query's difference" \
		"$(jqr '[.packages[] | select(.type == "deb" and .change == "added")] | length' "$d/diff.json")" \
		"$(comm -13 <(cut -f1,3 "$FIXTURES/expected/debian-min.dpkg.tsv" | sort) <(cut -f1,3 "$FIXTURES/expected/debian-rich.dpkg.tsv" | sort) | wc -l)"
	check_eq "$L: diff: one layer shared" "$(jqr '.summary.layers_shared' "$d/diff.json")" 1
	keys() { jq -r '.matches[] | "\(.id) \(.package.name) \(.package.version) \(.package.type)"' "$1" | sort -u; }
	check_eq "$L: diff: vulnerabilities introduced = the scans' difference" \
		"$(jqr '.summary.vulnerabilities_introduced' "$d/diff.json")" \
		"$(comm -13 <(keys "$d/scan-min.json") <(keys "$d/scan.json") | wc -l)"
	check_eq "$L: diff: vulnerabilities fixed = the scans' difference" \
		"$(jqr '.summary.vulnerabilities_fixed' "$d/diff.json")" \
		"$(comm -23 <(keys "$d/scan-min.json") <(keys "$d/scan.json") | wc -l)"
	check_eq "$L: diff: config cmd added" "$(jqr '[.config[] | select(.field == "cmd")][0].to' "$d/diff.json")" "node server.js"

	# rematch against another build: each image's change recorded
	export CUSTOMS_DB=$DB2
	"$CUSTOMS" rematch --store "$S" -o json >"$d/rematch.json"
	"$CUSTOMS" scan --quiet --max-db-age 0 -o json "$RICH" >"$d/scan2.json"
	check_eq "$L: rematch: rich's active matches are a scan's with the new database" \
		"$(jqr '.images[] | select(.tags | index("rich:1")) | .active' "$d/rematch.json")" "$(jqr '.summary.matches' "$d/scan2.json")"
	check "$L: rematch: rich has new matches (GitHub advisories of its npm packages)" \
		test "$(jqr '.images[] | select(.tags | index("rich:1")) | .new' "$d/rematch.json")" -gt 0
	check_eq "$L: rematch: min (no language packages) unchanged" "$(jqr '.images[] | select(.tags == ["min:1"]) | .new' "$d/rematch.json")" 0
	check_eq "$L: rematch: the history lists the new matches" "$(q rich:1 history | jq '[.[] | select(.event == "new")] | length')" \
		"$(jqr '.images[] | select(.tags | index("rich:1")) | .new' "$d/rematch.json")"
	check_eq "$L: images shows the new counts" \
		"$("$CUSTOMS" images --store "$S" -o json | jq -r '.[] | select(.tags | index("rich:1")) | .vulnerabilities | [.critical, .high, .medium, .low] | join(",")')" \
		"$(jqr '.summary.by_severity | [.critical, .high, .medium, .low] | join(",")' "$d/scan2.json")"
	check_eq "$L: rematch: package sets matched once" "$(jqr '.package_sets' "$d/rematch.json")" 2

	# SQL is parameterised: a package named to break it is stored and found
	local evil="'); DROP TABLE images;--"
	"$CUSTOMS" sbom --quiet -o json "$MIN" | jq --arg n "$evil" \
		'.image.manifest_digest = "sha256:0000000000000000000000000000000000000000000000000000000000000001"
		 | .packages += [(.packages[0] | .name = $n | .purl = null)]' >"$d/evil.json"
	"$CUSTOMS" analyze --store "$S" --quiet --no-match --tag "$evil" "sbom:$d/evil.json" >/dev/null
	check_eq "$L: a package named $evil is stored and found by name" \
		"$(q --all has-package "$evil" | jq -r '.[0].name')" "$evil"
	check_eq "$L: ... and its tag names it" "$(q "$evil" packages | jq -r --arg n "$evil" '[.[] | select(.name == $n)] | length')" 1
	check_eq "$L: ... and every image is still there" "$("$CUSTOMS" images --store "$S" -o json | jq length)" 3

	# remove: what another image shares stays
	"$CUSTOMS" image rm --store "$S" min:1 2>/dev/null
	check_eq "$L: image rm min:1" "$("$CUSTOMS" images --store "$S" -o json | jq length)" 2
	"$CUSTOMS" sbom --quiet --store "$S" -o json store:rich:1 >"$d/after-rm.json"
	check "$L: rich (which shares min's layer) loads as before" cmp -s "$d/fresh.json" "$d/after-rm.json"
	"$CUSTOMS" query --store "$S" min:1 packages >/dev/null 2>"$d/rm.err"
	check_eq "$L: a removed image is not found, in one line" "$(wc -l <"$d/rm.err")" 1
	"$CUSTOMS" image rm --store "$S" sha256:000000000000 2>/dev/null
	check_eq "$L: image rm by digest prefix" "$("$CUSTOMS" images --store "$S" -o json | jq length)" 1
	odd_names "$S" "$L"
	export CUSTOMS_DB=$DB1
}

# odd_image DIR: a one-layer OCI layout whose names are not UTF-8 (a
# Latin-1 file name, a dpkg package whose name has a Latin-1 byte) or hold
# the private-use characters PostgreSQL's escape uses (U+F700 + byte):
# what the store keeps must come back byte for byte.
odd_image() {
	python3 - "$1" <<'PY'
import gzip, hashlib, io, json, os, sys, tarfile
out = sys.argv[1]
os.makedirs(out + "/blobs/sha256", exist_ok=True)
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open(out + "/blobs/sha256/" + d, "wb").write(data)
    return "sha256:" + d, len(data)
raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape") as t:
    def add(name, data, mode=0o644):
        ti = tarfile.TarInfo(name.encode("latin-1", "surrogateescape").decode("utf-8", "surrogateescape"))
        ti.size, ti.mode, ti.mtime = len(data), mode, 1700000000
        t.addfile(ti, io.BytesIO(data))
    add("etc/os-release", b'ID=debian\nVERSION_ID="12"\n')
    add("var/lib/dpkg/status", b"Package: caf\xe9\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\n\n"
        b"Package: plain\nStatus: install ok installed\nVersion: 2.0\nArchitecture: all\n")
    add("caf\xe9-latin1.txt", b"x")
    add("private-\uf705.txt".encode("utf-8").decode("latin-1"), b"y")
layer = gzip.compress(raw.getvalue(), mtime=0)
diff_id = "sha256:" + hashlib.sha256(raw.getvalue()).hexdigest()
ld, ls = blob(layer)
cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                  "config": {}, "history": [{"created_by": "odd names"}]}).encode()
cd, cs = blob(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
                  "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": ld, "size": ls}]}).encode()
md, ms = blob(man)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md,
           "size": ms, "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, open(out + "/index.json", "w"))
open(out + "/oci-layout", "w").write('{"imageLayoutVersion": "1.0.0"}')
PY
}

# odd_names URL LABEL: odd_image through the store, byte for byte
odd_names() {
	local S=$1 L=$2 d=$TMP/$2-odd
	odd_image "$d"
	"$CUSTOMS" analyze --store "$S" --quiet --no-match --tag odd "oci:$d" >/dev/null
	printf '/caf\xe9-latin1.txt\n/private-\xef\x9c\x85.txt\n' >"$TMP/$L.odd.want"
	"$CUSTOMS" query --store "$S" odd files -o table | awk 'NR > 1 && $2 == "file" { print $1 }' |
		grep -a -e caf -e private >"$TMP/$L.odd.got"
	check "$L: file names that are not UTF-8, or hold U+F705, come back byte for byte" \
		cmp -s "$TMP/$L.odd.want" "$TMP/$L.odd.got"
	# dpkg's parser makes the name UTF-8 (U+FFFD); found by what it holds
	check_eq "$L: the package with a Latin-1 byte in its name, by that name" \
		"$("$CUSTOMS" query --store "$S" --all has-package "$(printf 'caf\xef\xbf\xbd')" -o json | jq length)" 1
	"$CUSTOMS" inspect --quiet -o json --scope all-layers "oci:$d" >"$TMP/$L.odd.fresh"
	"$CUSTOMS" inspect --quiet -o json --scope all-layers --store "$S" store:odd >"$TMP/$L.odd.stored"
	check "$L: its stored analysis is the fresh one" cmp -s "$TMP/$L.odd.fresh" "$TMP/$L.odd.stored"
}
