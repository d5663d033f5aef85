#!/bin/bash
# server_admission.sh - POST /v1/admission, Kubernetes' validating
# admission webhook: AdmissionReview documents (admission.k8s.io/v1, as the
# API server sends them) for Pods and Deployments, answered allowed or
# denied from the active policy bundle for each container's image, with
# the reasons in status.message; an image the store does not hold is
# analysed through the queue, and one that cannot be is denied
# (fail-closed) or allowed with a warning (fail-open); malformed reviews
# get a 400.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/store.sh"
. "$(dirname "$0")/../lib/server.sh"

need_fixtures
need_shared feeds/debian-osv.zip
DB=$TMP/db.sqlite
"$CUSTOMS" db import --quiet --db "$DB" "$SHARED/feeds/debian-osv.zip" >/dev/null 2>&1
S=$(sqlite_store admission)
TOKEN=$("$CUSTOMS" token create k8s --store "$S" -o json | jq -r .token)
start_server "$TMP/serve.log" --store "$S" --db "$DB" --allow-local-images --workers 1 --admission-timeout 20 ||
	{ cat "$TMP/serve.log"; not_ok "customs serve starts"; finish; exit 1; }

api POST /v1/images -d "{\"ref\": \"oci:$FIXTURES/oci/debian-min\", \"tag\": \"registry.test/app/min:1\"}" >/dev/null
check_eq "min stored as registry.test/app/min:1" "$(wait_job "$(jq -r .id "$TMP/body")")" done
api POST /v1/images -d "{\"ref\": \"oci:$FIXTURES/oci/debian-rich\", \"tag\": \"registry.test/app/rich:1\"}" >/dev/null
check_eq "rich stored as registry.test/app/rich:1" "$(wait_job "$(jq -r .id "$TMP/body")")" done
# Anchore's default bundle, with app/min allowlisted as an image
jq '.whitelisted_images = [{"id": "min", "name": "min", "registry": "registry.test", "repository": "app/min",
	"image": {"type": "tag", "value": "*"}}]' "$SRCDIR/tests/data/policy/anchore_default_bundle.json" >"$TMP/bundle.json"
check_eq "the bundle kept as the active one" "$(api PUT '/v1/policies/prod?active=true' --data-binary @"$TMP/bundle.json")" 200

# review KIND OBJECT-SPEC: an AdmissionReview as the API server sends it
review() {
	local uid=$1 kind=$2 spec=$3 group= version=v1 resource=pods
	[ "$kind" = Deployment ] && group=apps resource=deployments
	cat <<JSON
{"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1",
 "request": {"uid": "$uid",
  "kind": {"group": "$group", "version": "$version", "kind": "$kind"},
  "resource": {"group": "$group", "version": "$version", "resource": "$resource"},
  "requestKind": {"group": "$group", "version": "$version", "kind": "$kind"},
  "requestResource": {"group": "$group", "version": "$version", "resource": "$resource"},
  "name": "web", "namespace": "default", "operation": "CREATE",
  "userInfo": {"username": "admin", "uid": "014fbff9a07c", "groups": ["system:authenticated"]},
  "object": {"apiVersion": "$([ -n "$group" ] && echo "$group/")$version", "kind": "$kind",
   "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
   "spec": $spec},
  "oldObject": null, "dryRun": false,
  "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}}}
JSON
}
pod() { # pod IMAGE...: a pod spec
	local cs= i=0 img
	for img in "$@"; do
		cs="$cs${cs:+, }{\"name\": \"c$i\", \"image\": \"$img\", \"ports\": [{\"containerPort\": 80}]}"
		i=$((i + 1))
	done
	echo "{\"containers\": [$cs], \"restartPolicy\": \"Always\"}"
}
admit() { # admit REVIEW-FILE: the status; the answer in $TMP/body
	api POST /v1/admission -H 'Content-Type: application/json' --data-binary @"$1"
}

review 705ab4f5-6393-11e8-b7cc-42010a800002 Pod "$(pod registry.test/app/min:1)" >"$TMP/r1.json"
check_eq "a Pod of an allowlisted image: 200" "$(admit "$TMP/r1.json")" 200
check_eq "... an AdmissionReview" "$(jq -r '.apiVersion + " " + .kind' "$TMP/body")" "admission.k8s.io/v1 AdmissionReview"
check_eq "... answering its uid" "$(jq -r .response.uid "$TMP/body")" 705ab4f5-6393-11e8-b7cc-42010a800002
check_eq "... allowed" "$(jq -r .response.allowed "$TMP/body")" true

review 0b5a0b11-0001 Pod "$(pod registry.test/app/min:1 registry.test/app/rich:1)" >"$TMP/r2.json"
check_eq "a Pod with rich beside it: 200" "$(admit "$TMP/r2.json")" 200
check_eq "... denied" "$(jq -r .response.allowed "$TMP/body")" false
check_eq "... 403" "$(jq -r .response.status.code "$TMP/body")" 403
check "... naming the image and the STOP" jq -e '.response.status.message | test("^registry.test/app/rich:1: STOP by policy bundle")' "$TMP/body"
"$CUSTOMS" evaluate --policy "$TMP/bundle.json" --tag registry.test/app/rich:1 --db "$DB" -o json \
	"oci:$FIXTURES/oci/debian-rich" >"$TMP/eval.json" 2>/dev/null
first=$(jq -r '[.findings[] | select(.action == "STOP" and .allowlisted_by == null)][0] | "\(.gate) \(.trigger) \(.trigger_id)"' "$TMP/eval.json")
check "... and its first STOP finding, as customs evaluate finds it ($first)" jq -e --arg f "$first" '.response.status.message | contains($f)' "$TMP/body"
check "... not min" bash -c "! jq -r .response.status.message '$TMP/body' | grep -q app/min"

review 0b5a0b11-0002 Deployment "{\"replicas\": 2, \"selector\": {\"matchLabels\": {\"app\": \"web\"}},
  \"template\": {\"metadata\": {\"labels\": {\"app\": \"web\"}}, \"spec\": $(pod registry.test/app/rich:1)}}" >"$TMP/r3.json"
check_eq "a Deployment whose pod template runs rich: 200" "$(admit "$TMP/r3.json")" 200
check_eq "... denied" "$(jq -r .response.allowed "$TMP/body")" false
review 0b5a0b11-0003 Deployment "{\"template\": {\"spec\": {\"initContainers\": [{\"name\": \"i\", \"image\": \"registry.test/app/rich:1\"}],
  \"containers\": [{\"name\": \"c\", \"image\": \"registry.test/app/min:1\"}]}}}" >"$TMP/r4.json"
admit "$TMP/r4.json" >/dev/null
check_eq "an init container counts too" "$(jq -r .response.allowed "$TMP/body")" false
DMIN=$("$CUSTOMS" images --store "$S" -o json | jq -r '.[] | select(.tags | index("registry.test/app/min:1")) | .digest')
review 0b5a0b11-0004 Pod "$(pod "registry.test/app/min@$DMIN")" >"$TMP/r5.json"
admit "$TMP/r5.json" >/dev/null
check_eq "an image by digest is found by its digest: allowed" "$(jq -r .response.allowed "$TMP/body")" true

# an image nobody can pull: fail-closed denies it, fail-open allows it
review 0b5a0b11-0005 Pod "$(pod 127.0.0.1:1/app/nowhere:1)" >"$TMP/r6.json"
check_eq "an image that cannot be analysed: 200" "$(admit "$TMP/r6.json")" 200
check_eq "... denied (fail-closed, the default)" "$(jq -r .response.allowed "$TMP/body")" false
check "... saying it cannot be analysed" jq -e '.response.status.message | test("nowhere:1: cannot be analysed: .*fail-closed")' "$TMP/body"
stop_server "$SERVE_PID"
start_server "$TMP/serve2.log" --store "$S" --db "$DB" --workers 1 --admission-mode open --admission-timeout 20 ||
	not_ok "a fail-open server starts"
admit "$TMP/r6.json" >/dev/null
check_eq "fail-open: allowed" "$(jq -r .response.allowed "$TMP/body")" true
check "... with a warning" jq -e '.response.warnings[0] | test("nowhere:1: cannot be analysed")' "$TMP/body"
admit "$TMP/r2.json" >/dev/null
check_eq "... a STOP still denies" "$(jq -r .response.allowed "$TMP/body")" false

# not ours to judge, and malformed reviews
review 0b5a0b11-0006 Service '{"ports": [{"port": 80}]}' >"$TMP/r7.json"
admit "$TMP/r7.json" >/dev/null
check_eq "a Service: allowed, nothing to judge" "$(jq -r .response.allowed "$TMP/body")" true
bad() { # bad WHY STATUS BODY
	printf '%s' "$3" >"$TMP/bad.json"
	check_eq "$1: $2" "$(admit "$TMP/bad.json")" "$2"
	check "... an error document" jq -e '.error.code and .error.message' "$TMP/body"
}
bad "not JSON" 400 '{"kind": "AdmissionReview", '
bad "not an AdmissionReview" 400 '{"kind": "Pod", "request": {}}'
bad "no uid" 400 '{"kind": "AdmissionReview", "request": {"object": {"kind": "Pod", "spec": {}}}}'
bad "no object" 400 '{"kind": "AdmissionReview", "request": {"uid": "x"}}'
bad "containers not a list" 400 '{"kind": "AdmissionReview", "request": {"uid": "x", "object": {"kind": "Pod", "spec": {"containers": 3}}}}'
check_eq "... saying what is wrong" "$(jq -r .error.message "$TMP/body")" "invalid AdmissionReview: containers is not a list"
bad "a container without an image" 400 '{"kind": "AdmissionReview", "request": {"uid": "x", "object": {"kind": "Pod", "spec": {"containers": [{"name": "c"}]}}}}'
check_eq "... saying which" "$(jq -r .error.message "$TMP/body")" "invalid AdmissionReview: containers[0] has no image"
bad "a Deployment without a pod template" 400 '{"kind": "AdmissionReview", "request": {"uid": "x", "object": {"kind": "Deployment", "spec": {"replicas": 1}}}}'
bad "a CronJob's containers, malformed" 400 '{"kind": "AdmissionReview", "request": {"uid": "x", "object": {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"image": 5}]}}}}}}}}'
bad "a Pod without containers" 400 '{"kind": "AdmissionReview", "request": {"uid": "x", "object": {"kind": "Pod", "spec": {}}}}'
check_eq "no token: 401" "$(curl -s -o /dev/null -w '%{http_code}' --data-binary @"$TMP/r1.json" "http://127.0.0.1:$PORT/v1/admission")" 401
stop_server "$SERVE_PID"
finish
