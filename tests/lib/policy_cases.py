"""policy_cases.py CUSTOMS CASES.json TMPDIR [--print] - every trigger's cases.

CASES.json has "images" (name -> {"ref": IMAGE, or "spec": a tests/lib/mkimage.py
spec; "args": more `customs evaluate` arguments}) and "cases", each {"id",
"image", "gate", "trigger", "params": {name: value}, "fires": true|false,
"messages": [the exact messages of the findings, in order] or "count": N}.
The cases of one image are the rules of one bundle, evaluated once with
`-o json`; a case passes when its rule fired exactly as said, or not at all.
A parameter value "$sha256(IMG:PATH)" is the sha256 of PATH in
$FIXTURES/rootfs/IMG/rootfs.  Environment: FIXTURES, DB, SRCDIR.
--print lists what each rule gave instead of checking, a JSON object a line
(to write a case)."""
import hashlib, json, os, re, subprocess, sys

customs, cases_path, tmp = sys.argv[1:4]
printing = "--print" in sys.argv
fixtures, db, srcdir = os.environ["FIXTURES"], os.environ["DB"], os.environ["SRCDIR"]
doc = json.load(open(cases_path))
fails = 0


def value(v):
    def sha(m):
        img, path = m.group(1), m.group(2)
        return hashlib.sha256(open(os.path.join(fixtures, "rootfs", img, "rootfs", path), "rb").read()).hexdigest()
    return re.sub(r"\$sha256\(([^:]+):([^)]+)\)", sha, v)


def image_ref(name):
    img = doc["images"][name]
    if "ref" in img:
        return img["ref"].replace("$FIXTURES", fixtures).replace("$SRCDIR", srcdir).replace("$TMP", tmp)
    spec = os.path.join(tmp, name + ".json")
    out = os.path.join(tmp, name + ".tar")
    if not os.path.exists(out):
        json.dump(img["spec"], open(spec, "w"))
        subprocess.run([sys.executable, os.path.join(srcdir, "tests/lib/mkimage.py"), out, spec], check=True)
    return "docker-archive:" + out


by_image = {}
for c in doc["cases"]:
    by_image.setdefault(c["image"], []).append(c)

for name, cases in by_image.items():
    rules = [{"id": c["id"], "gate": c["gate"], "trigger": c["trigger"], "action": c.get("action", "WARN"),
              "params": [{"name": k, "value": value(v)} for k, v in c.get("params", {}).items()]} for c in cases]
    bundle = {"version": "1_0", "id": "cases-" + name, "name": "trigger cases on " + name,
              "policies": [{"id": "p", "name": "cases", "version": "1_0", "rules": rules}],
              "whitelists": [], "mappings": [{"id": "m", "name": "all", "registry": "*", "repository": "*",
                                              "image": {"type": "tag", "value": "*"}, "policy_id": "p",
                                              "whitelist_ids": []}]}
    path = os.path.join(tmp, "bundle-" + name + ".json")
    json.dump(bundle, open(path, "w"), indent=1)
    args = [a.replace("$FIXTURES", fixtures).replace("$SRCDIR", srcdir).replace("$TMP", tmp)
            for a in doc["images"][name].get("args", [])]
    cmd = [customs, "evaluate", "--quiet", "--db", db, "--policy", path, "-o", "json"] + args + [image_ref(name)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1) or not p.stdout:
        print("not ok - %s: customs evaluate exited %d: %s" % (name, p.returncode, p.stderr.strip()))
        fails += 1
        continue
    got = {}
    for f in json.loads(p.stdout)["findings"]:
        got.setdefault(f["rule_id"], []).append(f["message"])
    for c in cases:
        msgs = got.get(c["id"], [])
        if printing:
            print(json.dumps({"id": c["id"], "image": name, "messages": msgs}))
            continue
        what = "%s: %s/%s %s on %s" % (c["id"], c["gate"], c["trigger"], "fires" if c["fires"] else "does not fire", name)
        if not c["fires"]:
            ok, why = not msgs, "it fired: %s" % msgs[:3]
        elif "messages" in c:
            ok, why = msgs == c["messages"], "got %s" % json.dumps(msgs, indent=1)
        elif "count" in c:
            ok, why = len(msgs) == c["count"], "%d findings, not %d: %s" % (len(msgs), c["count"], msgs[:3])
        else:
            ok, why = bool(msgs), "it did not fire"
        print(("ok - %s" % what) if ok else ("not ok - %s: %s" % (what, why)))
        fails += not ok
sys.exit(1 if fails else 0)
