# registry.sh - pulling images from a registry: Debian's docker-registry
# (anonymous, htpasswd Basic, and token auth with a token server written
# here), fed by skopeo, and a misbehaving registry written here that lies in
# every way we know of. Everything listens on 127.0.0.1 only, storage is
# under $TMP, and every server is stopped on exit.
#
# Environment knobs the tests use (documented in `customs help inspect`):
#   CUSTOMS_HTTP_LOW_SPEED_TIME  seconds below 1 KB/s before a transfer aborts
#   CUSTOMS_HTTP_RETRIES         retries after connection errors, 429 and 5xx
#   CUSTOMS_REGISTRY_MAX_PAGES   tag list page cap
. "$(dirname "$0")/../lib/common.sh"
need_fixtures

# ---- tools: install what is missing (CI runs as root), else skip ----
want=()
command -v docker-registry >/dev/null || want+=(docker-registry)
command -v skopeo >/dev/null || want+=(skopeo)
command -v htpasswd >/dev/null || want+=(apache2-utils)
command -v openssl >/dev/null || want+=(openssl)
if [ ${#want[@]} -gt 0 ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
			"${want[@]}" >"$TMP/apt.log" 2>&1 || true
	fi
	for t in docker-registry skopeo htpasswd openssl; do
		command -v "$t" >/dev/null || skip "$t is not installed and cannot be installed here (apt-get install docker-registry skopeo apache2-utils openssl)"
	done
fi
for t in python3 jq curl; do command -v "$t" >/dev/null || skip "$t is not installed"; done
PY=$(command -v python3)

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # wait_http URL [curl args]: until it answers anything
	local u=$1 i; shift
	for i in $(seq 1 100); do
		curl -s -o /dev/null "$@" "$u" && return 0
		sleep 0.1
	done
	return 1
}
SKOPEO=(skopeo --insecure-policy)
MIN=$FIXTURES/oci/debian-min
RICH=$FIXTURES/oci/debian-rich
export CUSTOMS_HTTP_RETRIES=2

# run NAME WANT_RC PATTERN CMD...: stdout in $TMP/out, stderr in $TMP/err
run() {
	local name=$1 want=$2 pat=$3 rc=0; shift 3
	timeout 180 "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name: exit $rc, want $want: $(head -c 600 "$TMP/err")"
		return 0
	fi
	if [ -n "$pat" ] && ! grep -qE -- "$pat" "$TMP/err"; then
		not_ok "$name: stderr lacks /$pat/: $(head -c 600 "$TMP/err")"
		return 0
	fi
	ok "$name"
}
# same_json NAME GOT WANT [JQ]: byte-equal after the jq filter (default: drop
# "source"). Warnings start with the image reference as given, which differs
# between sources by design: that prefix is replaced first.
same_json() {
	local f='(.warnings[]?.message) |= sub("^[^ ]*: "; "IMAGE: ") | '"${4:-del(.source)}"
	if cmp -s <(jq "$f" "$2") <(jq "$f" "$3"); then ok "$1"; else
		not_ok "$1"
		diff <(jq "$f" "$2") <(jq "$f" "$3") | head -10 || true
	fi
}

"$CUSTOMS" inspect -o json "oci:$MIN" >"$TMP/min.json"
"$CUSTOMS" inspect -o json "oci:$RICH" >"$TMP/rich.json"
"$CUSTOMS" inspect -o json "oci:$FIXTURES/oci-zstd/debian-rich" >"$TMP/rich-zstd.json"

# ---- registries ----
reg_config() { # reg_config NAME ADDR [auth yaml...]
	mkdir -p "$TMP/$1"
	cat >"$TMP/$1/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $TMP/$1/data
  delete:
    enabled: true
http:
  addr: $2
EOF
}
reg_start() { # reg_start NAME ADDR
	docker-registry serve "$TMP/$1/config.yml" >"$TMP/$1/log" 2>&1 &
	PIDS+=($!)
	wait_http "http://$2/v2/" || { tail -5 "$TMP/$1/log"; skip "docker-registry $1 did not start on $2"; }
}

A=127.0.0.1:$(free_port)
reg_config anon "$A"
reg_start anon "$A"

B=127.0.0.1:$(free_port)
RUSER=fixture RPASS='fixture-pa55word'
reg_config basic "$B"
htpasswd -Bbn "$RUSER" "$RPASS" >"$TMP/basic/htpasswd" 2>/dev/null
cat >>"$TMP/basic/config.yml" <<EOF
auth:
  htpasswd:
    realm: customs-test
    path: $TMP/basic/htpasswd
EOF
reg_start basic "$B"

# token server: RS256 JWTs signed with a throw-away key whose self-signed
# certificate is the registry's rootcertbundle; the x5c header carries it
mkdir -p "$TMP/token"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/token/key.pem" -out "$TMP/token/cert.pem" -days 2 \
	-subj /CN=customs-test-token >/dev/null 2>&1
openssl x509 -in "$TMP/token/cert.pem" -outform DER | base64 -w0 >"$TMP/token/cert.b64"
cat >"$TMP/token/server.py" <<'PY'
import base64, json, subprocess, sys, time, uuid
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs
port, key, certf, logf, user, pw = sys.argv[1:7]
cert = open(certf).read().strip()
def b64u(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        auth = self.headers.get("Authorization")
        who = None
        if auth:
            try:
                ok = auth.startswith("Basic ") and base64.b64decode(auth[6:]).decode() == user + ":" + pw
            except Exception:
                ok = False
            if not ok:
                with open(logf, "a") as f: f.write("token refused\n")
                return self.reply(401, {"details": "wrong username or password"})
            who = user
        access = []
        for s in q.get("scope", []):
            typ, rest = s.split(":", 1)
            name, actions = rest.rsplit(":", 1)
            acts = actions.split(",")
            if who is None:  # anonymous: pull from public/ only
                acts = [a for a in acts if a == "pull"] if name.startswith("public/") else []
            access.append({"type": typ, "name": name, "actions": acts})
        with open(logf, "a") as f:
            f.write("token scope=%s service=%s account=%s auth=%s\n" % (
                " ".join(q.get("scope", [])), ",".join(q.get("service", [])),
                ",".join(q.get("account", [])), "yes" if auth else "no"))
        now = int(time.time())
        claims = {"iss": "customs-test-issuer", "sub": who or "", "aud": q.get("service", [""])[0],
                  "exp": now + 300, "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()), "access": access}
        head = {"typ": "JWT", "alg": "RS256", "x5c": [cert]}
        signing = b64u(json.dumps(head).encode()) + "." + b64u(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=signing.encode(),
                             capture_output=True, check=True).stdout
        tok = signing + "." + b64u(sig)
        self.reply(200, {"token": tok, "access_token": tok, "expires_in": 300})
ThreadingHTTPServer(("127.0.0.1", int(port)), H).serve_forever()
PY
TP=$(free_port)
"$PY" "$TMP/token/server.py" "$TP" "$TMP/token/key.pem" "$TMP/token/cert.b64" "$TMP/token/log" "$RUSER" "$RPASS" &
PIDS+=($!)
wait_http "http://127.0.0.1:$TP/token" || skip "the token server did not start"
T=127.0.0.1:$(free_port)
reg_config tokreg "$T"
cat >>"$TMP/tokreg/config.yml" <<EOF
auth:
  token:
    realm: http://127.0.0.1:$TP/token
    service: customs-test
    issuer: customs-test-issuer
    rootcertbundle: $TMP/token/cert.pem
EOF
reg_start tokreg "$T"

# ---- push the fixtures ----
push() { # push SRC DEST [skopeo copy args]
	local src=$1 dst=$2; shift 2
	"${SKOPEO[@]}" copy -q --dest-tls-verify=false "$@" "$src" "docker://$dst" >"$TMP/push.log" 2>&1 ||
		{ cat "$TMP/push.log"; not_ok "push $dst"; return 1; }
}
push "oci:$MIN:latest" "$A/fixtures/debian-min:latest"
push "oci:$RICH:latest" "$A/fixtures/debian-rich:latest"
push "oci:$RICH:latest" "$A/fixtures/debian-rich:v2s2" --format v2s2
push "oci:$FIXTURES/oci-zstd/debian-rich:latest" "$A/fixtures/debian-rich:zstd"
push "oci:$MIN:latest" "$B/fixtures/debian-min:latest" --dest-creds "$RUSER:$RPASS"
push "oci:$MIN:latest" "$T/fixtures/debian-min:latest" --dest-creds "$RUSER:$RPASS"
push "oci:$MIN:latest" "$T/public/debian-min:latest" --dest-creds "$RUSER:$RPASS"

# a two-platform index: debian-min as linux/amd64 and, with its config
# relabelled, as linux/arm64/v8 (same layer)
"$PY" - "$MIN" "$TMP/multi" <<'PY'
import hashlib, json, os, shutil, sys
src, dst = sys.argv[1:3]
shutil.copytree(src, dst)
B = os.path.join(dst, "blobs", "sha256")
def put(obj):
    b = json.dumps(obj, separators=(",", ":")).encode()
    d = hashlib.sha256(b).hexdigest()
    open(os.path.join(B, d), "wb").write(b)
    return "sha256:" + d, len(b)
idx = json.load(open(os.path.join(dst, "index.json")))
md = idx["manifests"][0]
man = json.load(open(os.path.join(B, md["digest"][7:])))
cfg = json.load(open(os.path.join(B, man["config"]["digest"][7:])))
cfg["architecture"], cfg["variant"] = "arm64", "v8"
cd, cs = put(cfg)
man2 = dict(man, config=dict(man["config"], digest=cd, size=cs))
m2d, m2s = put(man2)
mt = "application/vnd.oci.image.manifest.v1+json"
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
    {"mediaType": mt, "digest": md["digest"], "size": md["size"], "platform": {"architecture": "amd64", "os": "linux"}},
    {"mediaType": mt, "digest": m2d, "size": m2s, "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}}]}
xd, xs = put(index)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": index["mediaType"], "digest": xd, "size": xs,
           "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}, open(os.path.join(dst, "index.json"), "w"))
open(os.path.join(dst, "arm64.digest"), "w").write(m2d)
PY
push "oci:$TMP/multi:latest" "$A/fixtures/multi:latest" --all
# more tags than a page holds
for i in 1 2 3 4 5 6 7; do push "oci:$MIN:latest" "$A/fixtures/many:t$i"; done

INS=(--insecure-registry "$A")

# ---- pulls from the anonymous registry ----
run "rich by tag" 0 "" "$CUSTOMS" inspect -o json "registry:$A/fixtures/debian-rich:latest" --insecure-registry "$A"
cp "$TMP/out" "$TMP/reg-rich.json"
same_json "rich from the registry equals the OCI layout, byte for byte minus .source" "$TMP/reg-rich.json" "$TMP/rich.json"
check_eq "source kind" "$(jq -r .source.kind "$TMP/reg-rich.json")" registry
check_eq "source path is the canonical reference" "$(jq -r .source.path "$TMP/reg-rich.json")" "$A/fixtures/debian-rich:latest"
check_eq "every layer complete, digest checked in the stream" "$(jq '[.layers[].complete] | all' "$TMP/reg-rich.json")" true
DIG=$(jq -r .image.manifest_digest "$TMP/reg-rich.json")
run "rich by digest" 0 "" "$CUSTOMS" inspect -o json "registry:$A/fixtures/debian-rich@$DIG" "${INS[@]}"
same_json "by digest equals the layout (minus source and tags)" "$TMP/out" "$TMP/rich.json" 'del(.source, .image.tags)'
run "by tag and digest" 0 "" "$CUSTOMS" inspect -o json "registry:$A/fixtures/debian-rich:latest@$DIG" "${INS[@]}"
run "unknown digest: image not found" 3 "image not found: $A/fixtures/debian-rich@sha256:0{64}" \
	"$CUSTOMS" inspect "registry:$A/fixtures/debian-rich@sha256:$(printf '0%.0s' $(seq 64))" "${INS[@]}"
run "unknown tag: image not found" 3 "image not found: $A/fixtures/debian-rich:nope" \
	"$CUSTOMS" inspect "registry:$A/fixtures/debian-rich:nope" "${INS[@]}"
run "unknown repository: image not found" 3 "image not found: $A/fixtures/nope:latest" \
	"$CUSTOMS" inspect "registry:$A/fixtures/nope" "${INS[@]}"
run "Docker schema 2 manifest" 0 "" "$CUSTOMS" inspect -o json "registry:$A/fixtures/debian-rich:v2s2" "${INS[@]}"
check_eq "v2s2: manifest media type" "$(jq -r .image.manifest_media_type "$TMP/out")" \
	application/vnd.docker.distribution.manifest.v2+json
same_json "v2s2: same files and layers as the layout" "$TMP/out" "$TMP/rich.json" '{files, distro, layers: [.layers[] | del(.media_type)]}'
run "zstd layers" 0 "" "$CUSTOMS" inspect -o json "registry:$A/fixtures/debian-rich:zstd" "${INS[@]}"
same_json "zstd image equals the zstd layout minus .source" "$TMP/out" "$TMP/rich-zstd.json" 'del(.source, .image.tags)'
# registry storage untouched by our pulls: no schema 1 conversion wrote blobs
check_eq "no manifest down-conversion (no extra blob written)" \
	"$(find "$TMP/anon/data" -path '*blobs/sha256/a3/a3ed95ca*' | wc -l)" 0
run "bare reference needs no scheme (HOST:PORT/REPO:TAG)" 0 "" "$CUSTOMS" inspect -o json "$A/fixtures/debian-min:latest" "${INS[@]}"
same_json "bare reference equals the layout" "$TMP/out" "$TMP/min.json"
run "CUSTOMS_INSECURE_REGISTRIES" 0 "" env CUSTOMS_INSECURE_REGISTRIES="example.invalid,$A" \
	"$CUSTOMS" inspect --quiet "registry:$A/fixtures/debian-min"
run "plain HTTP refused without --insecure-registry" 3 "$A" "$CUSTOMS" inspect "registry:$A/fixtures/debian-min"

# multi-platform index
ARMD=$(cat "$TMP/multi/arm64.digest")
run "index: default platform linux/amd64" 0 "" "$CUSTOMS" inspect -o json "registry:$A/fixtures/multi" "${INS[@]}"
same_json "index: amd64 entry equals debian-min" "$TMP/out" "$TMP/min.json"
run "index: --platform linux/arm64" 0 "" "$CUSTOMS" inspect -o json --platform linux/arm64 "registry:$A/fixtures/multi" "${INS[@]}"
check_eq "index: arm64 picked" "$(jq -r '.image.architecture + "/" + .image.variant' "$TMP/out")" arm64/v8
check_eq "index: the platform manifest's digest is recorded" "$(jq -r .image.manifest_digest "$TMP/out")" "$ARMD"
run "index: --platform aarch64 normalised" 0 "" "$CUSTOMS" inspect --quiet --platform linux/aarch64 "registry:$A/fixtures/multi" "${INS[@]}"
run "index: absent platform" 3 "no image for platform linux/s390x" \
	"$CUSTOMS" inspect --platform linux/s390x "registry:$A/fixtures/multi" "${INS[@]}"

# tags (distribution 2.8 ignores n=, so this one arrives in one page)
run "tags" 0 "" "$CUSTOMS" tags "registry:$A/fixtures/many" --page-size 5 "${INS[@]}"
check_eq "tags: all 7, sorted" "$(paste -sd' ' "$TMP/out")" "t1 t2 t3 t4 t5 t6 t7"
run "tags -o json" 0 "" "$CUSTOMS" tags -o json "$A/fixtures/debian-rich" "${INS[@]}"
check_eq "tags -o json" "$(jq -c .tags "$TMP/out")" '["latest","v2s2","zstd"]'
run "tags: unknown repository" 3 "repository not found: $A/fixtures/nope" "$CUSTOMS" tags "$A/fixtures/nope" "${INS[@]}"

# ---- Basic auth ----
INSB=(--insecure-registry "$B")
run "basic: --username + --password-stdin" 0 "" sh -c \
	"printf '%s\n' '$RPASS' | '$CUSTOMS' inspect -o json --username '$RUSER' --password-stdin 'registry:$B/fixtures/debian-min' --insecure-registry '$B'"
same_json "basic: image equals the layout" "$TMP/out" "$TMP/min.json"
mkdir -p "$TMP/dockercfg"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$B" "$(printf '%s:%s' "$RUSER" "$RPASS" | base64 -w0)" >"$TMP/dockercfg/config.json"
run "basic: DOCKER_CONFIG config.json auths" 0 "" env DOCKER_CONFIG="$TMP/dockercfg" \
	"$CUSTOMS" inspect --quiet "registry:$B/fixtures/debian-min" "${INSB[@]}"
printf '{"auths": {"http://%s/v1/": {"auth": "%s"}}}\n' "$B" "$(printf '%s:%s' "$RUSER" "$RPASS" | base64 -w0)" >"$TMP/dockercfg/config.json"
run "basic: config.json key with scheme and path" 0 "" env DOCKER_CONFIG="$TMP/dockercfg" \
	"$CUSTOMS" inspect --quiet "registry:$B/fixtures/debian-min" "${INSB[@]}"
run "basic: CUSTOMS_REGISTRY_USERNAME/PASSWORD" 0 "" env CUSTOMS_REGISTRY_USERNAME="$RUSER" CUSTOMS_REGISTRY_PASSWORD="$RPASS" \
	"$CUSTOMS" inspect --quiet "registry:$B/fixtures/debian-min" "${INSB[@]}"
run "basic: DOCKER_AUTH_CONFIG" 0 "" env DOCKER_CONFIG="$TMP/nowhere" \
	DOCKER_AUTH_CONFIG="{\"auths\":{\"$B\":{\"auth\":\"$(printf '%s:%s' "$RUSER" "$RPASS" | base64 -w0)\"}}}" \
	"$CUSTOMS" inspect --quiet "registry:$B/fixtures/debian-min" "${INSB[@]}"
mkdir -p "$TMP/bin"
cat >"$TMP/bin/docker-credential-customstest" <<EOF
#!/bin/sh
read -r url
echo "\$1 \$url" >>"$TMP/helper.log"
if [ "\$1" = get ] && [ "\$url" = "$B" ]; then
	printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "\$url" "$RUSER" "$RPASS"
	exit 0
fi
echo "credentials not found in native keychain"
exit 1
EOF
chmod +x "$TMP/bin/docker-credential-customstest"
printf '{"credHelpers": {"%s": "customstest"}}\n' "$B" >"$TMP/dockercfg/config.json"
run "basic: credential helper (credHelpers)" 0 "" env DOCKER_CONFIG="$TMP/dockercfg" PATH="$TMP/bin:$PATH" \
	"$CUSTOMS" inspect --quiet "registry:$B/fixtures/debian-min" "${INSB[@]}"
check_eq "helper got the server address on stdin" "$(tail -1 "$TMP/helper.log" 2>/dev/null)" "get $B"
printf '{"credsStore": "customstest"}\n' >"$TMP/dockercfg/config.json"
run "basic: credential helper (credsStore)" 0 "" env DOCKER_CONFIG="$TMP/dockercfg" PATH="$TMP/bin:$PATH" \
	"$CUSTOMS" inspect --quiet "registry:$B/fixtures/debian-min" "${INSB[@]}"
BAD='Wr0ng-s3cret-Pa55'
run "basic: bad password" 3 "authentication failed for $B: " sh -c \
	"printf '%s' '$BAD' | '$CUSTOMS' inspect --username '$RUSER' --password-stdin 'registry:$B/fixtures/debian-min' --insecure-registry '$B'"
check "basic: the secret is not in the message" sh -c "! grep -qF -- '$BAD' '$TMP/err' && ! grep -qF -- \"\$(printf '%s:%s' '$RUSER' '$BAD' | base64 -w0)\" '$TMP/err'"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$B" "$(printf '%s:%s' "$RUSER" "$BAD" | base64 -w0)" >"$TMP/dockercfg/config.json"
run "basic: bad password from config.json" 3 "authentication failed for $B: .*config.json" env DOCKER_CONFIG="$TMP/dockercfg" \
	"$CUSTOMS" inspect "registry:$B/fixtures/debian-min" "${INSB[@]}"
check "basic: config.json secret not in the message" sh -c "! grep -qF -- '$BAD' '$TMP/err'"
run "basic: no credentials" 3 "authentication failed for $B: .*none were found" env DOCKER_CONFIG="$TMP/nowhere" \
	"$CUSTOMS" inspect "registry:$B/fixtures/debian-min" "${INSB[@]}"

# ---- token auth ----
INST=(--insecure-registry "$T")
: >"$TMP/token/log"
run "token: pull with credentials" 0 "" env CUSTOMS_REGISTRY_USERNAME="$RUSER" CUSTOMS_REGISTRY_PASSWORD="$RPASS" \
	"$CUSTOMS" inspect -o json "registry:$T/fixtures/debian-min" "${INST[@]}"
same_json "token: image equals the layout" "$TMP/out" "$TMP/min.json"
check_eq "token: one token for the whole pull (cached per scope)" "$(grep -c '^token scope' "$TMP/token/log")" 1
check_eq "token: scope, service and account asked for" "$(head -1 "$TMP/token/log")" \
	"token scope=repository:fixtures/debian-min:pull service=customs-test account=$RUSER auth=yes"
: >"$TMP/token/log"
run "token: anonymous pull of a public repository" 0 "" env DOCKER_CONFIG="$TMP/nowhere" \
	"$CUSTOMS" inspect --quiet "registry:$T/public/debian-min" "${INST[@]}"
check_eq "token: anonymous token request carries no credentials" "$(head -1 "$TMP/token/log")" \
	"token scope=repository:public/debian-min:pull service=customs-test account= auth=no"
run "token: anonymous pull of a private repository" 3 "authentication failed for $T: .*refused" env DOCKER_CONFIG="$TMP/nowhere" \
	"$CUSTOMS" inspect "registry:$T/fixtures/debian-min" "${INST[@]}"
run "token: bad password" 3 "authentication failed for $T: the token service 127.0.0.1:$TP rejected" \
	env CUSTOMS_REGISTRY_USERNAME="$RUSER" CUSTOMS_REGISTRY_PASSWORD="$BAD" \
	"$CUSTOMS" inspect "registry:$T/fixtures/debian-min" "${INST[@]}"
check "token: the secret is not in the message" sh -c "! grep -qF -- '$BAD' '$TMP/err'"
run "token: tags" 0 "" env CUSTOMS_REGISTRY_USERNAME="$RUSER" CUSTOMS_REGISTRY_PASSWORD="$RPASS" \
	"$CUSTOMS" tags "$T/fixtures/debian-min" "${INST[@]}"
check_eq "token: tags listed" "$(cat "$TMP/out")" latest

# ---- a registry that lies ----
cat >"$TMP/fake.py" <<'PY'
# Serves one OCI layout as /v2/<scenario>/img/..., misbehaving per scenario.
import hashlib, json, os, socket, ssl, sys, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs
port, layout, logf = int(sys.argv[1]), sys.argv[2], sys.argv[3]
tls = sys.argv[4:6] if len(sys.argv) >= 6 else None
def blob(d): return open(os.path.join(layout, "blobs", "sha256", d[7:]), "rb").read()
md = json.load(open(os.path.join(layout, "index.json")))["manifests"][0]["digest"]
manifest = blob(md)
man = json.loads(manifest)
LAYERS = {l["digest"] for l in man["layers"]}
MT = "application/vnd.oci.image.manifest.v1+json"
counts, lock = {}, threading.Lock()
def count(k):
    with lock:
        counts[k] = counts.get(k, 0) + 1
        return counts[k]
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def send(self, code, body=b"", ctype="application/json", headers=(), length=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in headers: self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
    def err(self, code, ecode, msg, headers=()):
        self.send(code, json.dumps({"errors": [{"code": ecode, "message": msg, "detail": None}]}).encode(), headers=headers)
    def cut(self, code, body, total, headers=()):
        # announce `total` bytes, send `body`, hang up
        self.send(code, body, "application/octet-stream", headers, length=total)
        self.wfile.flush()
        self.close_connection = True
        try: self.connection.shutdown(socket.SHUT_RDWR)
        except OSError: pass
    def do_GET(self):
        u = urlparse(self.path)
        with open(logf, "a") as f:
            f.write("%s %s range=%s auth=%s host=%s\n" % (self.command, u.path, self.headers.get("Range", "-"),
                    "yes" if self.headers.get("Authorization") else "no", self.headers.get("Host")))
        p = u.path
        if p == "/v2/": return self.send(200, b"{}")
        if p.startswith("/_cdn/"): return self.blob(p[6:], "plain")
        if not p.startswith("/v2/"): return self.err(404, "NOT_FOUND", "no")
        scen = p[4:].split("/")[0]
        if scen.startswith("auth"):
            import base64
            a = self.headers.get("Authorization", "")
            if a != "Basic " + base64.b64encode(b"u:p").decode():
                return self.err(401, "UNAUTHORIZED", "authentication required", [("WWW-Authenticate", 'Basic realm="fake"')])
        if "/manifests/" in p: return self.manifest(scen, p.rsplit("/", 1)[1], p)
        if "/blobs/" in p: return self.blob(p.rsplit("/", 1)[1], scen)
        if p.endswith("/tags/list"): return self.tags(scen, parse_qs(u.query), p)
        self.err(404, "NOT_FOUND", "no")
    def manifest(self, scen, ref, path):
        dcd = [("Docker-Content-Digest", md)]
        if scen == "nope": return self.err(404, "NAME_UNKNOWN", "repository name not known to registry")
        if ref not in ("latest", md): return self.err(404, "MANIFEST_UNKNOWN", "manifest unknown")
        if scen == "digest-header":
            return self.send(200, manifest, MT, [("Docker-Content-Digest", "sha256:" + "1" * 64)])
        if scen == "bad-body": return self.send(200, manifest + b" ", MT)
        if scen == "wrong-type": return self.send(200, manifest, "text/html", dcd)
        if scen == "type-clash": return self.send(200, manifest, "application/vnd.oci.image.index.v1+json")
        if scen == "big-manifest":
            return self.send(200, b'{"pad":"' + b"x" * (5 << 20) + b'"}', MT)
        if scen == "big-stream":  # no Content-Length: only the cap stops it
            self.send_response(200); self.send_header("Content-Type", MT); self.send_header("Connection", "close")
            self.end_headers(); self.close_connection = True
            try:
                self.wfile.write(b'{"pad":"')
                for _ in range(64): self.wfile.write(b"x" * (1 << 20))
            except OSError: pass
            return
        if scen == "redirect-loop": return self.send(307, b"", headers=[("Location", path)])
        if scen == "slowloris":
            self.send_response(200); self.send_header("Content-Type", MT)
            self.send_header("Content-Length", str(len(manifest))); self.end_headers()
            try:
                for b in manifest:
                    self.wfile.write(bytes([b])); self.wfile.flush(); time.sleep(2)
            except OSError: pass
            return
        if scen == "flaky" and count(scen) == 1: return self.err(503, "UNAVAILABLE", "try again")
        if scen == "throttled" and count(scen) == 1:
            return self.err(429, "TOOMANYREQUESTS", "slow down", [("Retry-After", "1")])
        self.send(200, manifest, MT, dcd)
    def blob(self, d, scen):
        try: data = blob(d)
        except OSError: return self.err(404, "BLOB_UNKNOWN", "blob unknown to registry")
        layer = d in LAYERS
        rng = self.headers.get("Range")
        start = int(rng[6:].split("-")[0]) if rng and rng.startswith("bytes=") else 0
        dcd = [("Docker-Content-Digest", d)]
        if layer and scen == "blob-404": return self.err(404, "BLOB_UNKNOWN", "blob unknown to registry")
        if layer and scen == "blob-redirect-loop": return self.send(302, b"", headers=[("Location", self.path)])
        if layer and scen in ("redirect", "auth-redirect"):
            # to another host name: credentials must not follow
            return self.send(307, b"", headers=[("Location", "http://localhost:%d/_cdn/%s" % (port, d))])
        if layer and scen == "blob-mismatch":
            data = bytearray(data); data[len(data) // 2] ^= 0xff; data = bytes(data)
        if layer and scen in ("truncated", "range-ignored", "truncated-always"):
            n = count(scen + d)
            if n == 1: return self.cut(200, data[: len(data) // 2], len(data), dcd)
            if scen == "truncated-always":
                return self.cut(206, b"", len(data) - start, [("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))])
            if scen == "range-ignored": start = 0
        if layer and scen == "slow-blob":
            self.send_response(200); self.send_header("Content-Length", str(len(data))); self.end_headers()
            try:
                for b in data[:64]:
                    self.wfile.write(bytes([b])); self.wfile.flush(); time.sleep(2)
            except OSError: pass
            return
        if start:
            return self.send(206, data[start:], "application/octet-stream",
                             dcd + [("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))])
        self.send(200, data, "application/octet-stream", dcd)
    def tags(self, scen, q, path):
        if scen == "paged":
            tags = ["t%02d" % i for i in range(23)]
            n = int(q.get("n", ["100"])[0]); last = q.get("last", [None])[0]
            rest = [t for t in tags if last is None or t > last]
            page, more = rest[:n], len(rest) > n
            hdr = [("Link", '<%s?n=%d&last=%s>; rel="next"' % (path, n, page[-1]))] if more else []
            return self.send(200, json.dumps({"name": "paged/img", "tags": page}).encode(), headers=hdr)
        if scen == "endless":
            k = int(q.get("last", ["0"])[0]) + 1
            return self.send(200, json.dumps({"name": "endless/img", "tags": ["e%d" % k]}).encode(),
                             headers=[("Link", '<%s?last=%d>; rel="next"' % (path, k))])
        if scen == "loop":
            return self.send(200, b'{"tags":["a"]}', headers=[("Link", '<%s>; rel="next"' % path)])
        if scen == "foreign-link":
            return self.send(200, b'{"tags":["a"]}', headers=[("Link", '<http://example.invalid/v2/x/tags/list>; rel="next"')])
        self.send(200, json.dumps({"name": scen + "/img", "tags": ["latest"]}).encode())
class S(ThreadingHTTPServer):
    daemon_threads = True
    def handle_error(self, request, addr): pass  # clients hanging up on purpose
srv = S(("127.0.0.1", port), H)
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(tls[0], tls[1])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
FP=$(free_port)
F=127.0.0.1:$FP
"$PY" "$TMP/fake.py" "$FP" "$MIN" "$TMP/fake.log" &
PIDS+=($!)
wait_http "http://$F/v2/" || skip "the fake registry did not start"
INSF=(--insecure-registry "$F")
fake() { echo "registry:$F/$1/img${2:-}"; }

run "lies: Docker-Content-Digest mismatch" 3 "manifest $F/digest-header/img:latest: digest mismatch: Docker-Content-Digest says sha256:1{64}" \
	"$CUSTOMS" inspect "$(fake digest-header)" "${INSF[@]}"
MD=$(jq -r '.manifests[0].digest' "$MIN/index.json")
run "lies: by digest, content does not hash to it" 3 "digest mismatch: the content hashes to sha256:" \
	"$CUSTOMS" inspect "$(fake bad-body "@$MD")" "${INSF[@]}"
run "lies: manifest served as text/html" 3 'content type "text/html", which is not a manifest or index type' \
	"$CUSTOMS" inspect "$(fake wrong-type)" "${INSF[@]}"
run "lies: index content type on a manifest" 3 'has no "manifests" array' "$CUSTOMS" inspect "$(fake type-clash)" "${INSF[@]}"
run "lies: 5 MiB manifest (Content-Length)" 3 "manifest $F/big-manifest/img:latest is larger than the limit of 4194304 bytes" \
	"$CUSTOMS" inspect "$(fake big-manifest)" "${INSF[@]}"
run "lies: endless manifest stream" 3 "is larger than the limit of 4194304 bytes" "$CUSTOMS" inspect "$(fake big-stream)" "${INSF[@]}"
run "lies: redirect loop" 3 "manifest $F/redirect-loop/img:latest: too many redirects" \
	"$CUSTOMS" inspect "$(fake redirect-loop)" "${INSF[@]}"
run "lies: unknown repository" 3 "image not found: $F/nope/img:latest" "$CUSTOMS" inspect "$(fake nope)" "${INSF[@]}"
run "lies: bad credentials" 3 "authentication failed for $F: the registry rejected the credentials" \
	env CUSTOMS_REGISTRY_USERNAME=u CUSTOMS_REGISTRY_PASSWORD="$BAD" "$CUSTOMS" inspect "$(fake auth)" "${INSF[@]}"
check "lies: bad credentials not echoed" sh -c "! grep -qF -- '$BAD' '$TMP/err'"
run "lies: good credentials" 0 "" env CUSTOMS_REGISTRY_USERNAME=u CUSTOMS_REGISTRY_PASSWORD=p \
	"$CUSTOMS" inspect --quiet "$(fake auth)" "${INSF[@]}"
: >"$TMP/fake.log"
run "lies: blob redirected to another host" 0 "" env CUSTOMS_REGISTRY_USERNAME=u CUSTOMS_REGISTRY_PASSWORD=p \
	"$CUSTOMS" inspect -o json "$(fake auth-redirect)" "${INSF[@]}"
same_json "lies: redirected blob gives the same image" "$TMP/out" "$TMP/min.json"
check_eq "lies: credentials sent to the registry" "$(grep -c '/manifests/.* auth=yes' "$TMP/fake.log")" 1
check_eq "lies: credentials not sent to the redirect's host" "$(grep '^GET /_cdn/' "$TMP/fake.log" | grep -c 'auth=no host=localhost')" 1
: >"$TMP/fake.log"
run "lies: 503 then fine (retried)" 0 "" "$CUSTOMS" inspect --quiet "$(fake flaky)" "${INSF[@]}"
check_eq "lies: 503: the manifest was asked for twice" "$(grep -c '/flaky/img/manifests/' "$TMP/fake.log")" 2
run "lies: 429 with Retry-After (retried)" 0 "" "$CUSTOMS" inspect --quiet "$(fake throttled)" "${INSF[@]}"
check_eq "lies: 429: the manifest was asked for twice" "$(grep -c '/throttled/img/manifests/' "$TMP/fake.log")" 2
: >"$TMP/fake.log"
run "lies: blob cut mid-way, resumed with Range" 0 "" "$CUSTOMS" inspect -o json "$(fake truncated)" "${INSF[@]}"
same_json "lies: resumed blob gives the same image" "$TMP/out" "$TMP/min.json"
LSZ=$(jq -r '.layers[0].size' "$TMP/min.json")
check_eq "lies: the retry asked for the rest" "$(grep '/blobs/' "$TMP/fake.log" | grep -v 'range=-' | sed 's/.*range=\([^ ]*\).*/\1/')" \
	"bytes=$((LSZ / 2))-"
run "lies: Range ignored on the retry (200, whole blob)" 0 "" "$CUSTOMS" inspect -o json "$(fake range-ignored)" "${INSF[@]}"
same_json "lies: Range-ignored blob gives the same image" "$TMP/out" "$TMP/min.json"
run "lies: blob truncated every time" 4 "blob sha256:[0-9a-f]{64} is truncated: the registry sent $((LSZ / 2)) of $LSZ bytes" \
	"$CUSTOMS" inspect "$(fake truncated-always)" "${INSF[@]}"
run "lies: layer blob digest mismatch" 4 "blob digest mismatch" "$CUSTOMS" inspect "$(fake blob-mismatch)" "${INSF[@]}"
run "lies: layer blob redirect loop" 4 "blob sha256:[0-9a-f]{64}: too many redirects" \
	"$CUSTOMS" inspect "$(fake blob-redirect-loop)" "${INSF[@]}"
run "lies: layer blob missing" 4 "blob sha256:[0-9a-f]{64} is not in the registry" \
	"$CUSTOMS" inspect "$(fake blob-404)" "${INSF[@]}"
t0=$SECONDS
run "lies: slow-loris manifest aborts" 3 "manifest $F/slowloris/img:latest: timed out" \
	env CUSTOMS_HTTP_LOW_SPEED_TIME=3 CUSTOMS_HTTP_RETRIES=1 "$CUSTOMS" inspect "$(fake slowloris)" "${INSF[@]}"
check "lies: slow-loris gave up within 30 s" [ $((SECONDS - t0)) -lt 30 ]
t0=$SECONDS
run "lies: slow-loris blob aborts" 4 "blob sha256:[0-9a-f]{64}: timed out" \
	env CUSTOMS_HTTP_LOW_SPEED_TIME=3 CUSTOMS_HTTP_RETRIES=1 "$CUSTOMS" inspect "$(fake slow-blob)" "${INSF[@]}"
check "lies: slow-loris blob gave up within 30 s" [ $((SECONDS - t0)) -lt 30 ]
run "lies: paginated tags" 0 "" "$CUSTOMS" tags --page-size 5 "$(fake paged)" "${INSF[@]}"
check_eq "lies: 23 tags over 5 pages" "$(wc -l <"$TMP/out") $(grep -c 'tags/list' "$TMP/fake.log")" "23 5"
: >"$TMP/fake.log"
run "lies: endless pagination stops" 3 "more than 50 pages; stopping" env CUSTOMS_REGISTRY_MAX_PAGES=50 \
	"$CUSTOMS" tags "$(fake endless)" "${INSF[@]}"
check_eq "lies: endless pagination: 50 pages read" "$(grep -c 'tags/list' "$TMP/fake.log")" 50
run "lies: endless pagination, default cap" 3 "more than 1000 pages" "$CUSTOMS" tags "$(fake endless)" "${INSF[@]}"
run "lies: pagination loop" 3 "leads back to a page already read" "$CUSTOMS" tags "$(fake loop)" "${INSF[@]}"
run "lies: pagination to another server" 3 "points to another server" "$CUSTOMS" tags "$(fake foreign-link)" "${INSF[@]}"

# ---- DNS and TLS ----
run "DNS failure" 3 "cannot resolve nonexistent.invalid" "$CUSTOMS" inspect "registry:nonexistent.invalid/x/y:1"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls.key" -out "$TMP/tls.pem" -days 2 -subj /CN=127.0.0.1 \
	-addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
SP=$(free_port)
S=127.0.0.1:$SP
"$PY" "$TMP/fake.py" "$SP" "$MIN" "$TMP/tls.log" "$TMP/tls.pem" "$TMP/tls.key" &
PIDS+=($!)
wait_http "https://$S/v2/" -k || skip "the TLS server did not start"
run "TLS: self-signed certificate refused" 3 "certificate verify failed for $S; use --insecure-registry only if you trust it" \
	"$CUSTOMS" inspect "registry:$S/tls/img"
run "TLS: --ca-file trusts it" 0 "" "$CUSTOMS" inspect -o json --ca-file "$TMP/tls.pem" "registry:$S/tls/img"
same_json "TLS: image equals the layout" "$TMP/out" "$TMP/min.json"
run "TLS: --insecure-registry skips verification" 0 "" "$CUSTOMS" inspect --quiet "registry:$S/tls/img" --insecure-registry "$S"

# ---- references ----
run "bad reference" 2 "invalid image reference" "$CUSTOMS" inspect "registry:$A/Bad Name:x"
run "a path that does not exist stays a path error" 3 "image not found: $TMP/nothing.tar" "$CUSTOMS" inspect "$TMP/nothing.tar"
finish
