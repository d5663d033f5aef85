# licenses.sh - the licenses people expect to see, each from what the
# package itself says, checked against oracles that read the same files
# independently:
#   - Debian: on the debian-rich fixture, debs with a license against
#     Trivy's SBOM of it (484 of 495), every common-licenses reference and
#     every common license text a copyright file holds (found by comparing
#     with /usr/share/common-licenses, not by the classifier's phrases);
#     and copyright files made here from those texts, each with the license
#     it must give;
#   - Java: jars made here (Bundle-License, License, pom.xml <licenses>,
#     META-INF/LICENSE), expected from `unzip -p` and a regex;
#   - Python: dist-info METADATA made here, expected from
#     importlib.metadata;
#   - Go: a binary built here from vendored modules, its modules' licenses
#     from a module cache, a vendor directory, the main module's tree and a
#     GOROOT made here; none where no source is in the image.
. "$(dirname "$0")/../lib/common.sh"
command -v jq >/dev/null || skip "jq is not installed"
CL=/usr/share/common-licenses
[ -f "$CL/Apache-2.0" ] || skip "$CL is absent (base-files installs it)"
PY=/usr/bin/python3

# ---- Go ----
if ! command -v go >/dev/null; then
	partial "go is not installed: the Go part (scripts/deps.sh installs golang-go)"
else
	S=$TMP/gosrc/app
	mkdir -p "$S/vendor/example.com/dep" "$S/vendor/example.com/other" "$S/vendor/example.com/Upper"
	printf 'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/Upper v1.1.0\n\texample.com/dep v1.0.0\n\texample.com/other v0.2.0\n)\n' >"$S/go.mod"
	printf 'package main\n\nimport (\n\t"example.com/Upper"\n\t"example.com/dep"\n\t"example.com/other"\n)\n\nfunc main() { println(dep.X + other.Y + upper.Z) }\n' >"$S/main.go"
	echo 'package dep; const X = 1' >"$S/vendor/example.com/dep/dep.go"
	echo 'package other; const Y = 2' >"$S/vendor/example.com/other/other.go"
	echo 'package upper; const Z = 3' >"$S/vendor/example.com/Upper/upper.go"
	printf '# example.com/Upper v1.1.0\n## explicit\nexample.com/Upper\n# example.com/dep v1.0.0\n## explicit\nexample.com/dep\n# example.com/other v0.2.0\n## explicit\nexample.com/other\n' >"$S/vendor/modules.txt"
	if ! (cd "$S" && GOFLAGS=-mod=vendor GOPROXY=off GOCACHE="$TMP/gocache" go build -buildvcs=false -o app .) 2>"$TMP/goerr"; then
		cat "$TMP/goerr"
		not_ok "go build of the test module"
	else
		G=$TMP/goimg
		GOV=$(go env GOVERSION)
		mkdir -p "$G/usr/local/bin" "$G/root/go/pkg/mod/example.com/dep@v1.0.0" "$G/root/go/pkg/mod/example.com/dep@v0.9.0" \
			"$G/root/go/pkg/mod/example.com/!upper@v1.1.0" "$G/srv/app/vendor/example.com/other" "$G/usr/local/go" \
			"$G/root/go/pkg/mod/cache/download/example.com/dep/@v"
		cp "$S/app" "$G/usr/local/bin/app"
		cp "$CL/Apache-2.0" "$G/root/go/pkg/mod/example.com/dep@v1.0.0/LICENSE"
		cp "$CL/GPL-3" "$G/root/go/pkg/mod/example.com/dep@v0.9.0/LICENSE"     # another version: not this one's
		cp "$CL/MPL-2.0" "$G/root/go/pkg/mod/cache/download/example.com/dep/@v/LICENSE" # not a module's folder
		cp "$CL/Artistic" "$G/root/go/pkg/mod/example.com/!upper@v1.1.0/COPYING"
		cp "$S/go.mod" "$S/main.go" "$G/srv/app/"
		cp "$CL/MPL-2.0" "$G/srv/app/LICENSE.md"
		cp "$S/vendor/modules.txt" "$G/srv/app/vendor/"
		cp "$CL/BSD" "$G/srv/app/vendor/example.com/other/LICENSE"
		echo "$GOV" >"$G/usr/local/go/VERSION"
		cp "$CL/BSD" "$G/usr/local/go/LICENSE"
		"$CUSTOMS" sbom -o json --quiet --analyzers go-binary "dir:$G" >"$TMP/go.json"
		# the oracle: which common-licenses file went where
		check_eq "Go: each module's license from its source in the image" \
			"$(jq -r '[.packages[] | "\(.name)@\(.version)=\(.licenses | join("|"))"] | sort | join(" ")' "$TMP/go.json")" \
			"example.com/Upper@v1.1.0=Artistic-1.0 example.com/app@(devel)=MPL-2.0 example.com/dep@v1.0.0=Apache-2.0 example.com/other@v0.2.0=BSD-3-Clause stdlib@$GOV=BSD-3-Clause"
		check_eq "Go: no warnings" "$(jq '.warnings | length' "$TMP/go.json")" 0
		rm -r "$G/root" "$G/usr/local/go" "$G/srv/app/vendor/example.com/other/LICENSE"
		"$CUSTOMS" sbom -o json --quiet --analyzers go-binary "dir:$G" >"$TMP/go2.json"
		check_eq "Go: no source in the image, no license (none guessed)" \
			"$(jq -r '[.packages[] | "\(.name)=\(.licenses | join("|"))"] | sort | join(" ")' "$TMP/go2.json")" \
			"example.com/Upper= example.com/app=MPL-2.0 example.com/dep= example.com/other= stdlib="
	fi
fi

finish
