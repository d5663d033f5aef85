#!/bin/bash
# plugins_so.sh - analyzers in shared objects (--plugin FILE.so, include/
# customs/sys/analyzer.h): the example busybox_version.so finds a real
# busybox's version and its package is stored and queried like any other;
# a plugin built against another interface version, a shared object
# without the entry point and a file that is not one are refused, each
# with the message asserted.
. "$(dirname "$0")/../lib/common.sh"
set +e +o pipefail

: "${BUILDDIR:?BUILDDIR must name the build directory (run through ctest)}"
SO=$BUILDDIR/plugins/busybox_version.so
[ -f "$SO" ] || skip "$SO is not built"
command -v busybox >/dev/null || skip "busybox is not installed (scripts/deps.sh test)"
export XDG_DATA_HOME=$TMP/xdg HOME=$TMP/home CUSTOMS_PLUGIN_PATH=

mkdir -p "$TMP/img/bin"
cp "$(command -v busybox)" "$TMP/img/bin/busybox"
want=$(busybox 2>&1 | head -n1 | sed -n 's/^BusyBox v\([0-9.]*\).*/\1/p')
"$CUSTOMS" sbom --plugin "$SO" -o json "dir:$TMP/img" >"$TMP/sbom.json" 2>"$TMP/sbom.err"
check_eq "sbom --plugin busybox_version.so exits 0" "$?" 0
check_eq "busybox's version ($want, as busybox says) found by the plugin's analyzer" \
	"$(jq -r '.packages[] | [.name, .version, .found_by, .db_path, .purl] | @tsv' "$TMP/sbom.json")" \
	"$(printf 'busybox\t%s\tbusybox-version\tbin/busybox\tpkg:generic/busybox@%s' "$want" "$want")"
check_eq "--analyzers selects it by its name" \
	"$("$CUSTOMS" sbom --plugin "$SO" --analyzers busybox-version -o json "dir:$TMP/img" | jq -r '.packages[].found_by')" \
	"busybox-version"
# an image to store (tests/lib/mkimage.py): busybox in layer 0, replaced by a
# newer copy in layer 1 (the visible one counts)
printf '[[["bin/busybox", {"file": "%s"}]], [["bin/busybox", {"file": "%s"}]]]' "$TMP/img/bin/busybox" "$TMP/img/bin/busybox" >"$TMP/spec.json"
python3 "$SRCDIR/tests/lib/mkimage.py" "$TMP/img.tar" "$TMP/spec.json"
"$CUSTOMS" analyze --quiet --store "sqlite:$TMP/s.sqlite" --plugin "$SO" "docker-archive:$TMP/img.tar" >/dev/null 2>&1
check_eq "analyze with it into a store exits 0" "$?" 0
check_eq "the store names it with its version in the analysis key" \
	"$(sqlite3 "$TMP/s.sqlite" "SELECT analyzers FROM images" | tr ',' '\n' | grep busybox)" "busybox-version@1.0"
check_eq "and its package is queried" \
	"$("$CUSTOMS" query --store "sqlite:$TMP/s.sqlite" -o json "$(sqlite3 "$TMP/s.sqlite" "SELECT digest FROM images")" packages --type binary | jq -r '.[] | .name + " " + .version + " " + (.layer | tostring)')" \
	"busybox $want 1"

"$CUSTOMS" sbom --plugin "$BUILDDIR/plugins/wrong_version.so" "dir:$TMP/img" >/dev/null 2>"$TMP/e1"
check_eq "a plugin of another interface version is refused (exit 2)" "$?" 2
check "... naming the file and both versions" grep -qF \
	"customs sbom: analyzer plugin $BUILDDIR/plugins/wrong_version.so was built against analyzer interface version 99; this customs ($("$CUSTOMS" --version | cut -d' ' -f2)) takes version 3 (or 2): rebuild it" "$TMP/e1"
"$CUSTOMS" sbom --plugin "$BUILDDIR/plugins/no_entry.so" "dir:$TMP/img" >/dev/null 2>"$TMP/e2"
check_eq "a shared object without customs_analyzers() is refused" "$?" 2
check "... saying so" grep -qF "$BUILDDIR/plugins/no_entry.so is not an analyzer plugin: it has no customs_analyzers()" "$TMP/e2"
"$CUSTOMS" sbom --plugin "$TMP/img/bin/busybox" "dir:$TMP/img" >/dev/null 2>"$TMP/e3"
check_eq "a file that is no shared object is refused" "$?" 2
check "... with dlopen's reason" grep -qF "cannot load analyzer plugin $TMP/img/bin/busybox: " "$TMP/e3"
"$CUSTOMS" sbom --plugin busybox_version.so "dir:$TMP/img" >/dev/null 2>"$TMP/e4"
check "a bare name is not searched for on the library path" grep -qF "analyzer plugin busybox_version.so: give it as a path (./busybox_version.so)" "$TMP/e4"

finish
