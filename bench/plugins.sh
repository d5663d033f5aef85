#!/usr/bin/env bash
# plugins.sh - what an external plugin costs beyond its own run time
# (target, issue "Plugins": dispatch overhead <= 20 ms per plugin per
# image).  An empty analyzer plugin (a small C program: describe, then read
# the request and answer {}) is timed three ways, RUNS runs each,
# interleaved: `customs sbom` of the rich image with no plugin, with the
# plugin, and with ten copies of it (the per-plugin figure is the tenth of
# the difference, finer than one run's noise); and the plugin alone, run
# twice (describe, then run with the request customs gave it), as its own
# run time.  Overhead = (with - without) - own time, in wall and in CPU
# time.  Then the same with the plugin asking for files (etc/* and the
# file list), which adds the wanted files' copies, their private directory
# and the file list (40,000 files) to the request.
# Usage: bench/plugins.sh [RUNS]   (env FIXTURES, B)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-9}
FIXTURES=${FIXTURES:-build/fixtures}
IMG=oci:$FIXTURES/oci/debian-rich
[ -d "$FIXTURES/oci/debian-rich" ] || { echo "build the fixtures first: sudo bash tests/fixtures/make-fixtures.sh $FIXTURES" >&2; exit 2; }
B=${B:-build-release}
if [ ! -x "$B/customs" ]; then
	cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
fi
cmake --build "$B" -j"$(nproc)" --target customs >/dev/null
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export XDG_DATA_HOME=$W/xdg HOME=$W/home

# the empty plugin; EXTRA: more members of its describe
mkplugin() { # mkplugin DIR NAME EXTRA
	local extra=${3//\"/\\\"}
	mkdir -p "$1"
	cat >"$W/empty.c" <<C
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
	char buf[65536];
	if (argc > 1 && !strcmp(argv[1], "describe")) {
		puts("{\"protocol\":1,\"kind\":\"analyzer\",\"name\":\"$2\",\"description\":\"empty\",\"version\":\"1\"$extra}");
		return 0;
	}
	while (fread(buf, 1, sizeof(buf), stdin) > 0)
		;
	puts("{}");
	return 0;
}
C
	cc -O2 -o "$1/customs-analyzer-$2" "$W/empty.c"
}
mkdir -p "$W/none"
mkplugin "$W/one" empty ""
for i in $(seq 0 9); do mkplugin "$W/ten" "empty$i" ""; done
mkplugin "$W/files" files ',"files":{"globs":["etc/*"],"max_count":1000},"analysis":["files"]'

# the request customs gives a plugin, for the plugin's own time
mkdir -p "$W/tee"
printf '#!/bin/sh\n[ "$1" = describe ] && { echo '"'"'{"protocol":1,"kind":"analyzer","name":"tee","description":"x","version":"1"}'"'"'; exit 0; }\ncat >"%s/request.json"; echo "{}"\n' "$W" >"$W/tee/customs-analyzer-tee"
chmod +x "$W/tee/customs-analyzer-tee"
CUSTOMS_PLUGIN_PATH=$W/tee "$B/customs" sbom --quiet -o json "$IMG" >/dev/null
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $IMG ($(jq '.packages | length' "$W/request.json") packages in the request, $(wc -c <"$W/request.json") bytes)"

echo
echo "== customs sbom: no plugin, 1 empty plugin, 10 empty plugins, 1 plugin with files ($RUNS runs each, interleaved) =="
# wall and CPU (user + sys of customs and its plugins) of each run, from
# getrusage(RUSAGE_CHILDREN): a shared machine moves the wall times, less
# the CPU times
python3 - "$RUNS" "$B/customs" "$IMG" "$W" <<'PY'
import os, resource, statistics, subprocess, sys, time
runs, customs, img, w = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
def timed(argv, env=None, stdin=None):
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(argv, env=env, stdin=stdin, stdout=subprocess.DEVNULL, check=True)
    t1, r1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (t1 - t0) * 1000, (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1000
confs = ["none", "one", "ten", "files"]
res = {c: [] for c in confs + ["own"]}
for _ in range(runs):
    for c in confs:
        env = dict(os.environ, CUSTOMS_PLUGIN_PATH=os.path.join(w, c))
        res[c].append(timed([customs, "sbom", "--quiet", "-o", "json", img], env))
    plugin = os.path.join(w, "one", "customs-analyzer-empty")
    a = timed([plugin, "describe"])
    with open(os.path.join(w, "request.json")) as f:
        b = timed([plugin, "run"], stdin=f)
    res["own"].append((a[0] + b[0], a[1] + b[1]))
med = {c: (statistics.median(x[0] for x in v), statistics.median(x[1] for x in v)) for c, v in res.items()}
for c, label in [("none", "no plugin"), ("one", "1 empty plugin"), ("ten", "10 empty plugins"), ("files", "1 plugin wanting etc/* and the file list")]:
    print("median %-42s wall %7.1f ms  cpu %7.1f ms" % (label, *med[c]))
print("median %-42s wall %7.1f ms  cpu %7.1f ms" % ("the empty plugin alone (describe + run)", *med["own"]))
for i, what in [(0, "wall"), (1, "cpu")]:
    n, o, t, f, p = (med[c][i] for c in ["none", "one", "ten", "files", "own"])
    print("dispatch overhead per plugin per image (%s): %.1f ms (1 plugin), %.1f ms (10 plugins / 10), %.1f ms (with files); target <= 20 ms"
          % (what, o - n - p, (t - n) / 10 - p, f - n - p))
PY
