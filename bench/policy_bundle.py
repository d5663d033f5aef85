#!/usr/bin/env python3
"""policy_bundle.py - an Anchore Engine 1_0 bundle of N rules for bench/policy.sh.

Reads the gate table (`customs policy describe -o json`) on stdin and writes a
bundle whose one policy cycles through every trigger of every gate, each with
every parameter set to the example the table gives, so that the rules make the
evaluation do real work (vulnerability comparisons, regexes over file names and
contents, Dockerfile instructions, package lists).
Usage: customs policy describe -o json | bench/policy_bundle.py [N] > bundle.json
"""
import json
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
gates = json.load(sys.stdin)
triggers = [(g["name"], t) for g in gates for t in g["triggers"]]
rules = []
for i in range(n):
    gate, trig = triggers[i % len(triggers)]
    params = [{"name": p["name"], "value": str(p["example"])} for p in trig["params"] if p.get("example") is not None]
    rules.append({"id": "rule-%03d" % i, "gate": gate, "trigger": trig["name"], "action": "warn", "params": params})
bundle = {
    "id": "bench-%d-rules" % n,
    "version": "1_0",
    "name": "bench/policy.sh: %d rules over every trigger of every gate" % n,
    "policies": [{"id": "p", "version": "1_0", "name": "all triggers", "rules": rules}],
    "whitelists": [],
    "mappings": [{"id": "m", "name": "all", "registry": "*", "repository": "*", "image": {"type": "tag", "value": "*"},
                  "policy_ids": ["p"], "whitelist_ids": []}],
}
json.dump(bundle, sys.stdout, indent=1)
print()
