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

# ---- Debian ----
# copyright files made here from the texts in /usr/share/common-licenses,
# each with the licenses it must give
D=$TMP/debimg
mkdir -p "$D/var/lib/dpkg"
: >"$D/var/lib/dpkg/status"
mkdeb() { # NAME: copyright on stdin
	mkdir -p "$D/usr/share/doc/$1"
	cat >"$D/usr/share/doc/$1/copyright"
	printf 'Package: %s\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n\n' "$1" >>"$D/var/lib/dpkg/status"
}
{ echo "This package is under the Apache License 2.0, as follows."; echo; cat "$CL/Apache-2.0"; } | mkdeb apache-text
{ printf 'Copyright 2020 A\n\n    This program is free software; you can redistribute it and/or modify\n    it under the terms of the GNU General Public License as published by\n    the Free Software Foundation; either version 2 of the License, or\n    (at your option) any later version.\n\n'; cat "$CL/GPL-2"; } | mkdeb gpl2-later
printf 'It is distributed under the terms of the GNU General Public License,\nversion 2.  On Debian systems see /usr/share/common-licenses/GPL-2.\n' | mkdeb gpl2-only
cat "$CL/LGPL-2.1" | mkdeb lgpl21-text
cat "$CL/MPL-2.0" | mkdeb mpl2-text
cat "$CL/BSD" | mkdeb bsd3
sed -e '/Neither the name/,/written permission\./d' "$CL/BSD" | mkdeb bsd2
printf 'Upstream: example\n\nLicense: GPL-2+\n\nLicense: Redistribution and use in source and binary forms are permitted.\n' | mkdeb shortname
printf 'Copyright (C) 2020 Someone. All rights reserved.\nAsk for permission.\n' | mkdeb nothing
printf 'Licensed under the GPL, see /usr/share/common-licenses/GPL for the text.\n' | mkdeb gpl-bare
"$CUSTOMS" sbom -o json --quiet --analyzers dpkg "dir:$D" >"$TMP/deb.json"
check_eq "Debian: free-form copyright files made from the common licenses" \
	"$(jq -r '[.packages[] | "\(.name)=\(.licenses | join("|"))"] | sort | join(" ")' "$TMP/deb.json")" \
	"apache-text=Apache-2.0 bsd2=BSD-2-Clause bsd3=BSD-3-Clause gpl-bare=GPL gpl2-later=GPL-2.0-or-later gpl2-only=GPL-2.0-only lgpl21-text=LGPL-2.1-only mpl2-text=MPL-2.0 nothing= shortname=GPL-2.0-or-later"

if [ ! -f "$FIXTURES/.stamp" ]; then
	partial "the debian-rich fixture is not built: its Debian licenses"
else
	ROOTFS=$FIXTURES/rootfs/debian-rich/rootfs
	"$CUSTOMS" sbom -o json --quiet --analyzers os-release,dpkg "oci:$FIXTURES/oci/debian-rich" >"$TMP/rich-deb.json"
	n=$(jq '[.packages[] | select(.type == "deb")] | length' "$TMP/rich-deb.json")
	with=$(jq '[.packages[] | select(.type == "deb" and (.licenses | length) > 0)] | length' "$TMP/rich-deb.json")
	TRIVY=$SRCDIR/build/sboms/debian-rich.trivy.cdx.json
	if [ -f "$TRIVY" ]; then
		trivy=$(jq '[.components[] | select(.purl // "" | startswith("pkg:deb/")) | select((.licenses // []) | length > 0)] | length' "$TRIVY")
		check "Debian: debs with a license: $with of $n, Trivy $trivy" [ "$with" -ge "$trivy" ]
	else
		partial "no Trivy SBOM of debian-rich at $TRIVY (tests/fixtures/make-sboms.sh)"
	fi
	echo "# debs without a license: $(jq -r '[.packages[] | select(.type == "deb" and (.licenses | length) == 0) | .name] | join(" ")' "$TMP/rich-deb.json")"
	# the oracle: each free-form copyright file's references to
	# /usr/share/common-licenses and the common license texts it holds
	# (compared word for word with the image's own copies), read here
	cat >"$TMP/deboracle.py" <<'EOF'
import json, os, re, sys
root, sbom = sys.argv[1], json.load(open(sys.argv[2]))
words = lambda t: " ".join(re.findall(r"[a-z0-9]+", t.lower()))
cl = root + "/usr/share/common-licenses"
family = {"Apache-2.0": "Apache-2.0", "Artistic": "Artistic-1.0", "BSD": "BSD-3-Clause", "CC0-1.0": "CC0-1.0",
          "GFDL-1.2": "GFDL-1.2-", "GFDL-1.3": "GFDL-1.3-", "GPL-1": "GPL-1.0-", "GPL-2": "GPL-2.0-",
          "GPL-3": "GPL-3.0-", "LGPL-2": "LGPL-2.0-", "LGPL-2.1": "LGPL-2.1-", "LGPL-3": "LGPL-3.0-",
          "MPL-1.1": "MPL-1.1", "MPL-2.0": "MPL-2.0", "GPL": "GPL", "LGPL": "LGPL", "GFDL": "GFDL"}
texts = {f: words(open(os.path.join(cl, f), errors="replace").read())[:1500] for f in family
         if os.path.isfile(os.path.join(cl, f)) and not os.path.islink(os.path.join(cl, f))}
bad, checked = [], 0
for p in sbom["packages"]:
    path = os.path.join(root, "usr/share/doc", p["name"], "copyright")
    if not os.path.exists(path):
        continue
    raw = open(path, errors="replace").read()
    if re.match(r"Format:.*copyright-format/1\.0", raw):
        continue
    checked += 1
    got, text = p["licenses"], words(raw)
    want = set(re.findall(r"/usr/share/common-licenses/([A-Za-z0-9.+-]*[A-Za-z0-9+])", raw))
    want |= {f for f, t in texts.items() if t in text}
    for f in sorted(want):
        if f in family and not any(g.startswith(family[f]) for g in got):
            if f in ("GPL", "LGPL", "GFDL") and any(g.startswith(f + "-") for g in got):
                continue  # the unversioned file, and a versioned notice
            bad.append("%s: %s is named but not among %s" % (p["name"], f, got))
    for g in got:
        if g.endswith("-or-later") and not re.search(r"later|\+", raw):
            bad.append("%s: %s without any 'later' in the file" % (p["name"], g))
print(checked)
print("\n".join(bad[:10]))
EOF
	$PY "$TMP/deboracle.py" "$ROOTFS" "$TMP/rich-deb.json" >"$TMP/deboracle.out"
	check_eq "Debian: every common license a free-form copyright file names or holds is reported ($(head -1 "$TMP/deboracle.out") files)" \
		"$(tail -n +2 "$TMP/deboracle.out")" ""
fi

# ---- Python ----
# the oracle: importlib.metadata reads each distribution's metadata; the
# rules (PEP 639 and core metadata) are applied here on their own, with
# the SPDX list from the CycloneDX schema in $SHARED
need_shared schemas/spdx.schema.json
SITE=$TMP/pyimg/usr/lib/python3/dist-packages
mkdir -p "$SITE"
mkdist() { # NAME then METADATA headers
	local d="$SITE/$1-1.0.dist-info"
	mkdir -p "$d"
	printf 'Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n%s\n' "$1" "$2" >"$d/METADATA"
}
mkdist expr $'License-Expression: MIT OR Apache-2.0\nLicense: GPL'
mkdist spelled 'License: Apache 2.0'
mkdist vague $'License: LGPL\nClassifier: License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)'
mkdist proprietary 'License: Proprietary, see LICENSE.txt'
mkdist unknown $'License: UNKNOWN\nClassifier: License :: OSI Approved :: BSD License'
mkdist text $'License: Copyright (c) 2024 Someone\n        \n        Permission is hereby granted, free of charge, to any person obtaining a copy\n        of this software and associated documentation files (the "Software"), to deal'
mkdist trove $'Classifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved :: Apache Software License'
mkdist idcase 'License: bsd-3-clause'
"$CUSTOMS" sbom -o json --quiet --analyzers python "dir:$TMP/pyimg" >"$TMP/py.json"
cat >"$TMP/pyoracle.py" <<'EOF'
import importlib.metadata as im, json, sys
ids = {i.lower(): i for i in json.load(open(sys.argv[1]))["enum"]}
spellings = {"apache 2.0": "Apache-2.0"}  # the one non-SPDX spelling used here and in the fixture
trove = {"License :: OSI Approved :: MIT License": "MIT",
         "License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
         "License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)": "LGPL-2.0-or-later"}
for site in sys.argv[2:]:
    for d in sorted(im.distributions(path=[site]), key=lambda d: d.metadata["Name"]):
        md = d.metadata
        expr, lic = md.get("License-Expression"), md.get("License")
        if lic is not None and lic.strip() in ("UNKNOWN", ""):
            lic = None
        cls = [trove[c] for c in md.get_all("Classifier") or [] if c in trove]
        if expr:
            want = [expr]
        elif lic and "\n" not in lic.strip() and (lic.strip().lower() in ids or lic.strip().lower() in spellings):
            want = [ids.get(lic.strip().lower()) or spellings[lic.strip().lower()]]
        elif cls:
            want = sorted(set(cls), key=cls.index)
        elif lic and "Permission is hereby granted, free of charge, to any person obtaining a copy" in " ".join(lic.split()):
            want = ["MIT"]
        elif lic:
            want = [lic]
        else:
            want = []
        print("%s=%s" % (md["Name"], "|".join(want)))
EOF
want=$($PY "$TMP/pyoracle.py" "$SHARED/schemas/spdx.schema.json" "$SITE" | sort)
got=$(jq -r '.packages[] | "\(.name)=\(.licenses | join("|"))"' "$TMP/py.json" | sort)
check_eq "Python: licenses as importlib.metadata reads them ($(echo "$want" | wc -l) distributions)" "$got" "$want"
check "Python: the cases are what they claim" grep -q '^proprietary=Proprietary, see LICENSE.txt$' <<<"$got"
if [ -f "$FIXTURES/.stamp" ]; then
	ROOTFS=$FIXTURES/rootfs/debian-rich/rootfs
	"$CUSTOMS" sbom -o json --quiet --analyzers os-release,dpkg,python "oci:$FIXTURES/oci/debian-rich" >"$TMP/rich-py.json"
	check_eq "Python: the debian-rich fixture's distributions as importlib.metadata reads them" \
		"$(jq -r '.packages[] | select(.type == "python") | "\(.name)=\(.licenses | join("|"))"' "$TMP/rich-py.json" | sort)" \
		"$($PY "$TMP/pyoracle.py" "$SHARED/schemas/spdx.schema.json" "$ROOTFS/usr/lib/python3/dist-packages" | sort)"
else
	partial "the debian-rich fixture is not built: its Python licenses"
fi

# ---- Java ----
command -v unzip >/dev/null || skip "unzip is not installed (scripts/deps.sh installs it)"
J=$TMP/jimg/opt/app
mkdir -p "$J"
cat >"$TMP/mkjar.py" <<'EOF'
import sys, zipfile
def jar(path, files):
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
out, cl = sys.argv[1], sys.argv[2]
apache = open(cl + "/Apache-2.0").read()
mf = lambda extra: "Manifest-Version: 1.0\r\nImplementation-Title: %s\r\nImplementation-Version: 1.0\r\n%s\r\n"
jar(out + "/osgi.jar", {"META-INF/MANIFEST.MF": mf("")[:0] + "Manifest-Version: 1.0\r\nImplementation-Title: osgi\r\n"
    "Implementation-Version: 1.0\r\nBundle-License: Apache-2.0;link=\"https://www.apache.org/licenses/LICENSE-2.0.txt\",\r\n"
    " EPL-2.0;description=\"Eclipse, 2.0\"\r\n\r\n"})
jar(out + "/url.jar", {"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\nImplementation-Title: url\r\n"
    "Implementation-Version: 1.0\r\nBundle-License: https://opensource.org/licenses/MIT\r\n\r\n"})
jar(out + "/header.jar", {"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\nImplementation-Title: header\r\n"
    "Implementation-Version: 1.0\r\nLicense: GPL-2.0 WITH Classpath-exception-2.0\r\n\r\n"})
pom = """<?xml version="1.0" encoding="UTF-8"?>
<!-- <licenses><license><name>not this one</name></license></licenses> -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.example</groupId><artifactId>pommed</artifactId><version>2.0</version>
  <licenses>
    <license>
      <name>The Apache Software License, Version 2.0</name>
      <url>https://www.apache.org/licenses/LICENSE-2.0.txt</url>
    </license>
    <license><name><![CDATA[Custom & Corp License]]></name></license>
  </licenses>
  <dependencies><dependency><licenses><license><name>MIT</name></license></licenses></dependency></dependencies>
</project>
"""
props = "groupId=org.example\nartifactId=pommed\nversion=2.0\n"
jar(out + "/pommed-2.0.jar", {"META-INF/maven/org.example/pommed/pom.properties": props,
                              "META-INF/maven/org.example/pommed/pom.xml": pom})
jar(out + "/textonly-3.0.jar", {"META-INF/LICENSE.txt": apache,
    "META-INF/maven/org.example/textonly/pom.properties": "groupId=org.example\nartifactId=textonly\nversion=3.0\n"})
jar(out + "/broken-4.0.jar", {"META-INF/maven/org.example/broken/pom.properties":
    "groupId=org.example\nartifactId=broken\nversion=4.0\n",
    "META-INF/maven/org.example/broken/pom.xml": "<project>\n<licenses><license><name>MIT</name></license>\n"
    "<license><name>Two</name></licenses>\n</project>\n"})
jar(out + "/app.war", {"WEB-INF/lib/url.jar": open(out + "/url.jar", "rb").read()})
EOF
$PY "$TMP/mkjar.py" "$J" "$CL"
"$CUSTOMS" sbom -o json --quiet --analyzers java "dir:$TMP/jimg" >"$TMP/java.json"
# the oracle: unzip -p and a regex over what each jar says
cat >"$TMP/joracle.py" <<'EOF'
import re, subprocess, sys
def unzip(jar, *args):
    return subprocess.run(["unzip"] + list(args) + [jar], capture_output=True, text=True).stdout
jar = sys.argv[1]
names = unzip(jar, "-Z1").split("\n")
mf = subprocess.run(["unzip", "-p", jar, "META-INF/MANIFEST.MF"], capture_output=True, text=True).stdout
mf = mf.replace("\r", "").replace("\n ", "")
urls = {"https://opensource.org/licenses/MIT": "MIT"}
out = []
for m in re.finditer(r"^(?:Bundle-)?License: (.*)$", mf, re.M):
    for item in re.split(r',\s*(?=(?:[^"]*"[^"]*")*[^"]*$)', m.group(1)):
        name = item.split(";")[0].strip()
        out.append(urls.get(name, name.replace("GPL-2.0 WITH", "GPL-2.0-only WITH")))
poms = [n for n in names if re.match(r"META-INF/maven/[^/]+/[^/]+/pom\.xml$", n)]
if not out and poms:
    pom = subprocess.run(["unzip", "-p", jar, poms[0]], capture_output=True, text=True).stdout
    pom = re.sub(r"<!--.*?-->", "", pom, flags=re.S)
    block = re.search(r"<project[^>]*>(?:(?!<dependencies>).)*?<licenses>(.*?)</licenses>", pom, re.S)
    for lic in re.findall(r"<license>(.*?)</license>", block.group(1) if block else "", re.S):
        name = re.search(r"<name>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?</name>", lic, re.S).group(1).strip()
        out.append({"The Apache Software License, Version 2.0": "Apache-2.0"}.get(name, name))
if not out and "META-INF/LICENSE.txt" in names:
    text = subprocess.run(["unzip", "-p", jar, "META-INF/LICENSE.txt"], capture_output=True, text=True).stdout
    if re.search(r"Apache License\s+Version 2\.0, January 2004", text):
        out.append("Apache-2.0")
print("\n".join(out))
EOF
jwant() { $PY "$TMP/joracle.py" "$1"; }
for j in osgi url header pommed-2.0 textonly-3.0; do
	check_eq "Java: $j.jar as unzip -p reads it" \
		"$(jq -r --arg loc "opt/app/$j.jar" '.packages[] | select(.metadata.location == $loc) | .licenses[]' "$TMP/java.json")" \
		"$(jwant "$J/$j.jar")"
done
check_eq "Java: a nested jar says the same" \
	"$(jq -r '.packages[] | select(.metadata.location == "opt/app/app.war!/WEB-INF/lib/url.jar") | .licenses | join(" ")' "$TMP/java.json")" MIT
check_eq "Java: a malformed pom.xml: the licenses before the fault, and a warning naming it" \
	"$(jq -r '(.packages[] | select(.name == "broken") | .licenses | join(" ")), (.warnings[].message | sub("^.*broken-4.0.jar"; "broken-4.0.jar"))' "$TMP/java.json")" \
	"MIT
broken-4.0.jar!/META-INF/maven/org.example/broken/pom.xml line 3: pom.xml is not read further: not well-formed: </licenses> closes <license>"
if [ -f "$FIXTURES/.stamp" ]; then
	"$CUSTOMS" sbom -o json --quiet --analyzers java "oci:$FIXTURES/oci/debian-rich" >"$TMP/rich-java.json"
	for loc in usr/share/java/commons-lang3.jar "app/lib/fixture-webapp.war!/WEB-INF/lib/commons-lang3-3.12.0.jar"; do
		check_eq "Java: debian-rich $loc: Apache-2.0 (META-INF/LICENSE.txt; no manifest or pom license)" \
			"$(jq -r --arg loc "$loc" '.packages[] | select(.metadata.location == $loc) | .licenses | join(" ")' "$TMP/rich-java.json")" \
			"$(jwant "$FIXTURES/rootfs/debian-rich/rootfs/usr/share/java/commons-lang3.jar")"
	done
else
	partial "the debian-rich fixture is not built: its jars' licenses"
fi

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
