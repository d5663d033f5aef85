"""mkimage.py OUT.tar SPEC.json - write a docker-archive for a test: SPEC is a
list of layers, each a list of [path, content] with content a string, null (a
whiteout for path), {"file": PATH} (the bytes of a file; with "drop_block": NAME,
the apk stanza "P:NAME" is left out), {"symlink": TARGET}, {"text": STRING,
"mode": "4755"} (a file with that mode), and paths ending in "/" directories
(["dir/", {"mode": "0777"}] for a mode of their own).  SPEC may instead be an
object {"layers": [...], "config": {...}, "history": [...]}: the config's
"config" member (Env, User, ExposedPorts, Labels...) and one created_by per layer.
Fixed times, so the same spec gives the same image."""
import hashlib, io, json, sys, tarfile
out, spec = sys.argv[1], json.load(open(sys.argv[2]))
img_config, history = {}, None
if isinstance(spec, dict):
    img_config, history, spec = spec.get("config", {}), spec.get("history"), spec["layers"]
def layer(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, content in files:
            ti = tarfile.TarInfo(path.rstrip("/"))
            ti.mtime = 1700000000
            if path.endswith("/"):
                ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                if isinstance(content, dict) and "mode" in content:
                    ti.mode = int(content["mode"], 8)
                t.addfile(ti)
                continue
            mode = 0o644
            if isinstance(content, dict) and "text" in content:
                mode, content = int(content.get("mode", "0644"), 8), content["text"]
            if isinstance(content, dict) and "symlink" in content:
                ti.type, ti.linkname, ti.mode = tarfile.SYMTYPE, content["symlink"], 0o777
                t.addfile(ti)
                continue
            if content is None:  # whiteout for the named path
                d, _, b = path.rpartition("/")
                ti.name = (d + "/" if d else "") + ".wh." + b
                content = ""
            data = content.encode() if isinstance(content, str) else open(content["file"], "rb").read()
            if isinstance(content, dict) and "drop_block" in content:
                blocks = data.split(b"\n\n")
                data = b"\n\n".join(x for x in blocks if ("\nP:%s\n" % content["drop_block"]).encode() not in x)
            ti.size, ti.mode = len(data), mode
            t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()
blobs = [layer(l) for l in spec]
diff_ids = ["sha256:" + hashlib.sha256(b).hexdigest() for b in blobs]
config = json.dumps({"architecture": "amd64", "os": "linux", "config": img_config,
                     "rootfs": {"type": "layers", "diff_ids": diff_ids},
                     "history": [{"created_by": history[i] if history else "layer %d" % i}
                                 for i in range(len(blobs))]}).encode()
chex = hashlib.sha256(config).hexdigest()
manifest = [{"Config": chex + ".json", "RepoTags": ["test:latest"],
             "Layers": ["%d/layer.tar" % i for i in range(len(blobs))]}]
with tarfile.open(out, "w") as t:
    def add(name, data):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000
        t.addfile(ti, io.BytesIO(data))
    add("manifest.json", json.dumps(manifest).encode())
    add(chex + ".json", config)
    for i, b in enumerate(blobs):
        add("%d/layer.tar" % i, b)
