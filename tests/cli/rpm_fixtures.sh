# rpm_fixtures.sh - customs reads the rpm databases that tests/fixtures/make-rpmdb.sh
# builds with the real rpm (SQLite, and Berkeley DB in both byte orders) the way
# rpm itself does: `rpm -qa --qf` fields and `rpm -ql` file lists, plus purls,
# and a three-layer image where one package arrives late and one is erased.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq is not installed"
if ! command -v rpmbuild >/dev/null || ! command -v db5.3_load >/dev/null || ! command -v sqlite3 >/dev/null; then
	[ "$(id -u)" = 0 ] || skip "rpm, db5.3-util and sqlite3 are needed (make-rpmdb.sh installs them as root)"
fi
D=$FIXTURES/rpmdb
if ! bash "$SRCDIR/tests/fixtures/make-rpmdb.sh" "$D" >"$TMP/make.log" 2>&1; then
	cat "$TMP/make.log"
	command -v rpmbuild >/dev/null || skip "could not install rpm (no Debian mirror?)"
	not_ok "make-rpmdb.sh failed"
	finish
fi

# rpm's view, from a private copy (rpm writes lock and -shm files next to a db)
cp -a "$D/sqlite" "$TMP/rpmq"
QF='%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\n'
rpm --dbpath "$TMP/rpmq" -qa --qf "$QF" | sort >"$TMP/want.tsv"
rpm --dbpath "$TMP/rpmq" -qa --qf '%{NAME}\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\n' | sort >"$TMP/want-ver.tsv"
for n in $(cut -f1 "$TMP/want.tsv"); do
	rpm --dbpath "$TMP/rpmq" -ql "$n" | sed "s|^|$n\t|"
done | sort >"$TMP/want-files.tsv"
check_eq "rpm lists the three fixture packages" "$(wc -l <"$TMP/want.tsv")" 3

# only the analyzers this test is about, so that another cataloger's trouble
# does not show up here
AN=(--analyzers os-release,rpm)
OSR='NAME="Fixture Linux"\nID=fixturelinux\nVERSION_ID="1.0"\n'
for v in sqlite:rpmdb.sqlite bdb-le:Packages bdb-be:Packages; do
	dir=${v%%:*} file=${v#*:}
	R=$TMP/root-$dir
	mkdir -p "$R/var/lib/rpm" "$R/etc"
	cp "$D/$dir/$file" "$R/var/lib/rpm/$file"
	printf "$OSR" >"$R/etc/os-release"
	if ! "$CUSTOMS" sbom -o json "${AN[@]}" "dir:$R" >"$TMP/$dir.json" 2>"$TMP/err"; then
		not_ok "$dir: customs sbom failed: $(head -3 "$TMP/err")"
		continue
	fi
	J=$TMP/$dir.json
	check_eq "$dir: complete, no warnings" "$(jq -c '[.complete, (.warnings | length)]' "$J")" '[true,0]'
	jq -r '.packages[] | select(.type == "rpm") | . as $p
		| ($p.version | sub("^[0-9]+:"; "")) as $vr
		| [$p.name, ($p.metadata.epoch // 0 | tostring), $vr[0:(($vr | length) - ($p.metadata.release | length) - 1)],
		   $p.metadata.release, $p.arch, $p.metadata.sourcerpm, ($p.licenses | join(" "))] | @tsv' "$J" |
		sort >"$TMP/got.tsv"
	if diff "$TMP/want.tsv" "$TMP/got.tsv" >"$TMP/diff"; then
		ok "$dir: name, epoch, version, release, arch, sourcerpm, license equal rpm -qa"
	else
		not_ok "$dir: fields differ from rpm -qa"; cat "$TMP/diff"
	fi
	jq -r '.packages[] | [.name, .version] | @tsv' "$J" | sort >"$TMP/got-ver.tsv"
	check "$dir: version is [epoch:]version-release" diff "$TMP/want-ver.tsv" "$TMP/got-ver.tsv"
	jq -r '.packages[] | .name as $n | .files[] | [$n, .] | @tsv' "$J" | sort >"$TMP/got-files.tsv"
	if diff "$TMP/want-files.tsv" "$TMP/got-files.tsv" >"$TMP/diff"; then
		ok "$dir: file lists equal rpm -ql ($(wc -l <"$TMP/got-files.tsv") paths)"
	else
		not_ok "$dir: file lists differ from rpm -ql"; cat "$TMP/diff"
	fi
	q() { jq -r --arg n "$1" ".packages[] | select(.name == \$n) | $2" "$J"; }
	check_eq "$dir: purl with epoch" "$(q fixture-epoch .purl)" \
		"pkg:rpm/fixturelinux/fixture-epoch@2.5-1.fx?arch=noarch&distro=fixturelinux-1.0&epoch=4"
	check_eq "$dir: purl of a ~ version" "$(q fixture-tilde .purl)" \
		"pkg:rpm/fixturelinux/fixture-tilde@3.0~beta2-0.1.fx?arch=noarch&distro=fixturelinux-1.0"
	check_eq "$dir: source package and version (epoch carried)" "$(q fixture-epoch '.source_name + " " + .source_version')" \
		"fixture-epoch 4:2.5-1.fx"
	check_eq "$dir: db_path, found_by, layer" "$(q fixture-files '[.db_path, .found_by, .layer, .visible] | @tsv')" \
		"$(printf 'var/lib/rpm/%s\trpm\t0\ttrue' "$file")"
	check_eq "$dir: metadata" "$(q fixture-files '[.metadata.vendor, .metadata.release, (.metadata.size > 0)] | @tsv')" \
		"$(printf 'customs tests\t3.fx\ttrue')"
done

# ---- three layers: installed, added later, erased (docker-archive by hand) ----
I=$TMP/img
mkdir -p "$I"
diff_ids=()
for n in 1 2 3; do
	L=$TMP/layer$n
	mkdir -p "$L/var/lib/rpm"
	cp "$D/layers/$n/rpmdb.sqlite" "$L/var/lib/rpm/"
	if [ $n = 1 ]; then mkdir -p "$L/etc"; printf "$OSR" >"$L/etc/os-release"; fi
	tar -C "$L" --owner=0 --group=0 --numeric-owner --mtime=@1704067200 -cf "$I/layer$n.tar" .
	diff_ids+=("\"sha256:$(sha256sum "$I/layer$n.tar" | cut -d' ' -f1)\"")
done
ids=$(IFS=,; echo "${diff_ids[*]}")
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[{"created_by":"rpm -i epoch files"},{"created_by":"rpm -i tilde"},{"created_by":"rpm -e epoch"}]}' \
	"$ids" >"$I/config.json"
printf '[{"Config":"config.json","RepoTags":["rpmfx:latest"],"Layers":["layer1.tar","layer2.tar","layer3.tar"]}]' >"$I/manifest.json"
tar -C "$I" -cf "$TMP/layered.tar" manifest.json config.json layer1.tar layer2.tar layer3.tar
if "$CUSTOMS" sbom -o json "${AN[@]}" --scope all-layers "docker-archive:$TMP/layered.tar" >"$TMP/layered.json" 2>"$TMP/err"; then
	got=$(jq -r '.packages[] | [.name, .layer, .visible, (.removed_in_layer // "-")] | @tsv' "$TMP/layered.json" | sort)
	want=$(printf 'fixture-epoch\t0\tfalse\t2\nfixture-files\t0\ttrue\t-\nfixture-tilde\t1\ttrue\t-')
	check_eq "layers: introduced and removed where rpm did it" "$got" "$want"
	"$CUSTOMS" sbom -o json "${AN[@]}" "docker-archive:$TMP/layered.tar" >"$TMP/squashed.json"
	check_eq "layers: the squashed scope lists what is installed" \
		"$(jq -r '[.packages[].name] | sort | join(" ")' "$TMP/squashed.json")" "fixture-files fixture-tilde"
else
	not_ok "layered image: customs sbom failed: $(head -3 "$TMP/err")"
fi
finish
