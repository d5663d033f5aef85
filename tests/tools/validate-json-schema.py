#!/usr/bin/python3
"""validate-json-schema.py - check JSON documents against a JSON Schema.

usage: validate-json-schema.py SCHEMA DOC... [--refs DIR] [--max-errors N]

Loads SCHEMA and every *.json in DIR (default: SCHEMA's directory) into one
reference store, each under its "$id" (draft-04: "id"), its file name, its
file: URI and its name resolved against SCHEMA's id, so a relative
"$ref": "spdx.schema.json" (CycloneDX) finds the file next to the schema
whatever base the reference is resolved from.  The validator follows
SCHEMA's "$schema" (draft-04 for the SARIF 2.1.0 schema, draft-07 for
SPDX and CycloneDX); formats are not checked.  Nothing is downloaded.

Prints "ok DOC" for each valid document, else "DOC: /json/pointer: message"
for its errors (at most --max-errors, default 20, the most specific cause
of anyOf/oneOf failures underneath).  Exit status: 0 all valid, 1 some
document is invalid or not JSON, 2 usage or schema errors.

Needs python3 and jsonschema (Debian: python3-jsonschema, 4.10 or later).
"""
import argparse
import json
import os
import sys
import warnings
from urllib.parse import urljoin, urldefrag
from urllib.request import pathname2url

try:
    import jsonschema
    from jsonschema import validators
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write("validate-json-schema.py: the jsonschema module is missing "
                     "(apt-get install python3-jsonschema)\n")
    sys.exit(2)

# RefResolver is deprecated from jsonschema 4.18 on (in favour of
# "referencing"), but still works; Debian 12 ships 4.10.
warnings.filterwarnings("ignore", category=DeprecationWarning)


# schemas are small: bigger *.json files beside them are data, not loaded
MAX_REF_BYTES = 16 << 20


def die(msg):
    sys.stderr.write("validate-json-schema.py: %s\n" % msg)
    sys.exit(2)


class LocalResolver(jsonschema.RefResolver):
    """References resolve to the store only: never a download."""

    def resolve_remote(self, uri):
        raise jsonschema.RefResolutionError(
            "%s is not among the schemas given (--refs DIR holds them; nothing is downloaded)" % uri)


def load_json(path):
    with open(path, "rb") as f:
        return json.loads(f.read().decode("utf-8"))


def validator_class(schema, default=None):
    return validators.validator_for(schema, default=default or validators.Draft7Validator)


def schema_id(schema, cls):
    """The schema's own id ("$id", or "id" for draft-04), without a fragment."""
    if not isinstance(schema, dict):
        return None
    sid = schema.get("$id")
    if not isinstance(sid, str):
        sid = schema.get("id")
    if not isinstance(sid, str):
        try:
            sid = cls.ID_OF(schema)
        except Exception:  # noqa: BLE001 - any odd id is just no id
            sid = None
    if not isinstance(sid, str) or not sid:
        return None
    return urldefrag(sid)[0] or None


def file_uri(path):
    return "file:" + pathname2url(os.path.abspath(path))


def build_store(schema_path, schema, cls, refs_dir):
    """Every *.json of refs_dir (and the schema itself) under every name a
    reference to it may be resolved to."""
    store = {}
    main_id = schema_id(schema, cls)
    bases = [b for b in (main_id, file_uri(schema_path)) if b]
    files = []
    if refs_dir:
        try:
            names = sorted(os.listdir(refs_dir))
        except OSError as e:
            die("--refs %s: %s" % (refs_dir, e.strerror))
        files = [os.path.join(refs_dir, n) for n in names if n.endswith(".json")]
    for path in files:
        if os.path.abspath(path) == os.path.abspath(schema_path):
            doc = schema
        else:
            try:
                if os.path.getsize(path) > MAX_REF_BYTES:
                    continue  # a data file, not a schema
                doc = load_json(path)
            except (OSError, ValueError):
                continue  # not a schema of ours (a data file beside them): skip
            if not isinstance(doc, dict):
                continue
        name = os.path.basename(path)
        keys = {name, file_uri(path)}
        sid = schema_id(doc, validator_class(doc, cls))
        if sid:
            keys.add(sid)
        for b in bases:
            keys.add(urljoin(b, name))
        for k in keys:
            store.setdefault(k, doc)
    for k in [main_id, file_uri(schema_path)]:
        if k:
            store[k] = schema
    return store


def _key(x):
    """A hashable value equal for instances JSON Schema calls equal: 1 and
    1.0 are, true and 1 are not, objects regardless of member order."""
    if isinstance(x, dict):
        return ("o", frozenset((k, _key(v)) for k, v in x.items()))
    if isinstance(x, list):
        return ("a", tuple(_key(v) for v in x))
    if isinstance(x, bool):
        return ("b", x)
    if isinstance(x, (int, float)):
        return ("n", x)
    if x is None:
        return ("z",)
    return ("s", x)


def _unique_items(validator, unique, instance, schema):
    """uniqueItems in linear time: jsonschema compares every pair, which
    takes minutes on an SBOM's thousands of components."""
    if not unique or not validator.is_type(instance, "array"):
        return
    seen = {}
    try:
        for i, item in enumerate(instance):
            k = _key(item)
            if k in seen:
                yield jsonschema.ValidationError(
                    "items %d and %d are equal (uniqueItems)" % (seen[k], i))
                return
            seen[k] = i
    except RecursionError:
        yield jsonschema.ValidationError("items nested too deeply to compare (uniqueItems)")


def _additional_items(validator, additional, instance, schema):
    """additionalItems without jsonschema 4.10's message, which sorts the
    extra items and so fails on objects (CycloneDX's licenses)."""
    items = schema.get("items", {})
    if not validator.is_type(instance, "array") or validator.is_type(items, "object") or \
            validator.is_type(items, "boolean"):
        return
    n = len(items)
    if validator.is_type(additional, "object"):
        for index, item in enumerate(instance[n:], start=n):
            yield from validator.descend(item, additional, path=index)
    elif not additional and len(instance) > n:
        yield jsonschema.ValidationError(
            "additional items are not allowed (%d item(s) past the %d the schema lists)" % (len(instance) - n, n))


def fast(cls):
    """cls with two keywords made fit for big documents."""
    checks = {"uniqueItems": _unique_items}
    if "additionalItems" in cls.VALIDATORS:
        checks["additionalItems"] = _additional_items
    return validators.extend(cls, checks)


def pointer(path):
    def esc(p):
        return str(p).replace("~", "~0").replace("/", "~1")
    return "/" + "/".join(esc(p) for p in path) if path else "(document)"


def deepest(err):
    best, stack = None, list(err.context)
    while stack:
        e = stack.pop(0)
        if best is None or len(e.absolute_path) > len(best.absolute_path):
            best = e
        stack.extend(e.context or ())
    return best


def describe(err):
    msg = err.message
    if len(msg) > 300:
        msg = msg[:300] + "..."
    line = "%s: %s" % (pointer(err.absolute_path), msg)
    if err.context:
        # anyOf/oneOf: the error deepest in the document, from the branch
        # that got furthest, usually says what is wrong
        sub = deepest(err)
        if sub is not None:
            m = sub.message if len(sub.message) <= 300 else sub.message[:300] + "..."
            line += "\n    closest: %s: %s" % (pointer(sub.absolute_path), m)
    return line


def main(argv):
    ap = argparse.ArgumentParser(
        prog="validate-json-schema.py",
        description="Validate JSON documents against a JSON Schema (draft-04/06/07).")
    ap.add_argument("schema")
    ap.add_argument("docs", nargs="+", metavar="DOC")
    ap.add_argument("--refs", metavar="DIR",
                    help="directory whose *.json schemas references may name (default: the schema's)")
    ap.add_argument("--max-errors", type=int, default=20, metavar="N",
                    help="errors to print per document (default 20)")
    args = ap.parse_args(argv)

    try:
        schema = load_json(args.schema)
    except OSError as e:
        die("%s: %s" % (args.schema, e.strerror))
    except ValueError as e:
        die("%s: not JSON: %s" % (args.schema, e))
    if not isinstance(schema, (dict, bool)):
        die("%s: not a JSON Schema (neither an object nor a boolean)" % args.schema)
    cls = validator_class(schema)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        die("%s: invalid %s schema: %s at %s" % (args.schema, cls.__name__, e.message, pointer(e.absolute_path)))

    refs_dir = args.refs if args.refs is not None else (os.path.dirname(args.schema) or ".")
    store = build_store(args.schema, schema, cls, refs_dir)
    base = schema_id(schema, cls) or file_uri(args.schema)
    resolver = LocalResolver(base, schema, store=store)
    validator = fast(cls)(schema, resolver=resolver)

    failed = 0
    for path in args.docs:
        try:
            doc = load_json(path)
        except OSError as e:
            print("%s: cannot read: %s" % (path, e.strerror))
            failed = 1
            continue
        except ValueError as e:
            print("%s: not JSON: %s" % (path, e))
            failed = 1
            continue
        errors = []
        try:
            for err in validator.iter_errors(doc):
                errors.append(err)
                if len(errors) > args.max_errors:
                    break
        except jsonschema.RefResolutionError as e:
            print("%s: a $ref of the schema cannot be resolved: %s" % (path, e))
            failed = 1
            continue
        except RecursionError:
            print("%s: nested too deeply to validate" % path)
            failed = 1
            continue
        if not errors:
            print("ok %s" % path)
            continue
        failed = 1
        shown = sorted(errors[:args.max_errors],
                       key=lambda e: [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in e.absolute_path])
        for err in shown:
            print("%s: %s" % (path, describe(err)))
        if len(errors) > args.max_errors:
            print("%s: more errors not shown (--max-errors %d)" % (path, args.max_errors))
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
