/* npm.c - JavaScript packages: installed package.json files (node_modules
 * trees at any depth, global installs, Debian's usr/share/nodejs), and the
 * lockfiles package-lock.json / npm-shrinkwrap.json / node_modules/
 * .package-lock.json (lockfileVersion 1-3, npm/cli package-lock-json.md),
 * yarn.lock (v1 "classic" and berry) and pnpm-lock.yaml (v5-v9, pnpm.io
 * "lockfile format").  A lockfile is not an inventory: its packages are
 * reported only for a project that has no installed node_modules tree.
 * A package installed under an alias ("string-width-cjs":
 * "npm:string-width@^4" puts string-width into node_modules/string-width-cjs)
 * is reported under its real name and version, with metadata "alias" the
 * name it is installed or depended on as. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_NPM_FILE (64u << 20)  /* package-lock.json of a large monorepo */
#define MAX_V1_DEPTH 512         /* nesting of lockfile v1 "dependencies" */

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* ---- one package ---- */

/* type, name, version and purl; "@scope/name" puts the scope in the purl's
 * namespace (percent-encoded "%40scope" by the builder). */
static customs_package *new_pkg(const char *name, size_t nlen, const char *version, size_t vlen)
{
	customs_package *p = customs_package_new();
	if (!p)
		return NULL;
	if (!(p->type = customs_strdup("npm")) || !(p->name = customs_utf8_strndup(name, nlen)) ||
	    !(p->version = customs_utf8_strndup(version, vlen)) || !(p->metadata = json_object())) {
		customs_package_free(p);
		return NULL;
	}
	const char *slash = p->name[0] == '@' ? strchr(p->name, '/') : NULL;
	if (slash) {
		char *ns = customs_strndup(p->name, (size_t)(slash - p->name));
		if (!ns) {
			customs_package_free(p);
			return NULL;
		}
		p->purl = customs_purl_make("npm", ns, slash + 1, p->version, NULL, NULL);
		free(ns);
	} else {
		/* NULL when the name breaks purl rules: no purl, not fatal */
		p->purl = customs_purl_make("npm", NULL, p->name, p->version, NULL, NULL);
	}
	return p;
}

static int md_set_str(customs_package *p, const char *key, const char *v)
{
	if (!v || !*v)
		return 0;
	return json_object_set_new(p->metadata, key, json_string(v)) < 0 ? nomem() : 0;
}

static int md_set_true(customs_package *p, const char *key)
{
	return json_object_set_new(p->metadata, key, json_true()) < 0 ? nomem() : 0;
}

/* metadata "alias": the name p is installed or depended on as, when that is
 * not its own name */
static int md_set_alias(customs_package *p, const char *alias, size_t len)
{
	if (!alias || !len || (strlen(p->name) == len && !memcmp(p->name, alias, len)))
		return 0;
	json_t *v = json_stringn(alias, len); /* NULL for invalid UTF-8: no alias */
	return v && json_object_set_new(p->metadata, "alias", v) < 0 ? nomem() : 0;
}

/* license: "MIT" | {"type": "MIT"}; licenses: ["MIT", {"type": ...}] (old) */
static int add_licenses(customs_package *p, json_t *o)
{
	json_t *l = json_object_get(o, "license"), *v;
	size_t i;
	if (json_is_object(l))
		l = json_object_get(l, "type");
	if (json_is_string(l) && json_string_length(l))
		return customs_strlist_add(&p->licenses, json_string_value(l));
	json_array_foreach(json_object_get(o, "licenses"), i, v) {
		if (json_is_object(v))
			v = json_object_get(v, "type");
		if (json_is_string(v) && json_string_length(v) &&
		    !customs_strlist_contains(&p->licenses, json_string_value(v)) &&
		    customs_strlist_add(&p->licenses, json_string_value(v)) < 0)
			return nomem();
	}
	return 0;
}

/* jansson refuses a byte order mark, node and npm skip it */
static void skip_bom(const char **buf, size_t *len)
{
	if (*len >= 3 && !memcmp(*buf, "\xEF\xBB\xBF", 3))
		*buf += 3, *len -= 3;
}

static json_t *load_json(const char *buf, size_t len, const char *what, customs_parse_warn_fn warn, void *ud)
{
	json_error_t je;
	skip_bom(&buf, &len);
	json_t *root = json_loadb(buf, len, 0, &je);
	if (!root) {
		customs__parse_warnf(warn, ud, je.line > 0 ? (size_t)je.line : 1,
				     "%s is not valid JSON (%s at column %d): skipped", what, je.text, je.column);
		return NULL;
	}
	if (!json_is_object(root)) {
		customs__parse_warnf(warn, ud, 1, "%s is not a JSON object: skipped", what);
		json_decref(root);
		return NULL;
	}
	return root;
}

int customs__npm_parse_package_json(customs_package **out, const char *buf, size_t len, customs_parse_warn_fn warn,
				    void *ud)
{
	int err = 0;
	*out = NULL;
	json_t *root = load_json(buf, len, "package.json", warn, ud);
	if (!root)
		return CUSTOMS_EFORMAT;
	json_t *name = json_object_get(root, "name"), *version = json_object_get(root, "version");
	if (!name || !version) /* a module-type marker such as {"type":"module"} */
		goto done;
	if (!json_is_string(name) || !json_is_string(version)) {
		const char *which = !json_is_string(name) ? "name" : "version";
		customs__parse_warnf(warn, ud, 1, "\"%s\" is %s, not a string: skipped", which,
				     customs__json_type_name(!json_is_string(name) ? name : version));
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	if (!json_string_length(name) || !json_string_length(version))
		goto done;
	customs_package *p = new_pkg(json_string_value(name), json_string_length(name), json_string_value(version),
				     json_string_length(version));
	if (!p) {
		err = nomem();
		goto done;
	}
	json_t *author = json_object_get(root, "author");
	if (json_is_object(author))
		author = json_object_get(author, "name");
	if ((err = add_licenses(p, root)) < 0 ||
	    (err = md_set_str(p, "homepage", json_string_value(json_object_get(root, "homepage")))) < 0 ||
	    (err = md_set_str(p, "author", json_string_value(author))) < 0) {
		customs_package_free(p);
		goto done;
	}
	*out = p;
done:
	json_decref(root);
	return err;
}

/* ---- lockfile results ---- */

/* "npm:real@1.2.3" (an alias) -> real name and version */
static int split_alias(const char *spec, const char **name, size_t *nlen, const char **ver)
{
	if (strncmp(spec, "npm:", 4) != 0)
		return 0;
	const char *s = spec + 4, *at = strrchr(s, '@');
	if (!at || at == s)
		return 0;
	*name = s;
	*nlen = (size_t)(at - s);
	*ver = at + 1;
	return **ver != '\0';
}

/* ---- package-lock.json, npm-shrinkwrap.json, .package-lock.json ---- */

/* One lockfile entry installed at key as alias (NULL: its own name). */
static int lock_entry(customs_pkgvec *v, const char *key, json_t *e, const char *name, size_t nlen, const char *version,
		      const char *alias)
{
	customs_package *p = new_pkg(name, nlen, version, strlen(version));
	int err;
	if (!p)
		return nomem();
	json_t *resolved = json_object_get(e, "resolved"), *integrity = json_object_get(e, "integrity");
	if ((err = md_set_str(p, "location", key)) < 0 || (err = add_licenses(p, e)) < 0 ||
	    (alias && (err = md_set_alias(p, alias, strlen(alias))) < 0) ||
	    (err = md_set_str(p, "resolved", json_string_value(resolved))) < 0 ||
	    (err = md_set_str(p, "integrity", json_string_value(integrity))) < 0 ||
	    (json_is_true(json_object_get(e, "dev")) && (err = md_set_true(p, "dev")) < 0) ||
	    (json_is_true(json_object_get(e, "optional")) && (err = md_set_true(p, "optional")) < 0)) {
		customs_package_free(p);
		return err;
	}
	return customs__pkgvec_push(v, p);
}

/* v2/v3 "packages": keys are install locations from the project root */
static int lock_packages(customs_pkgvec *v, json_t *packages)
{
	const char *key;
	json_t *e;
	int err;
	json_object_foreach(packages, key, e) {
		const char *nm = NULL;
		for (const char *s = key; (s = strstr(s, "node_modules/")); s++)
			if (s == key || s[-1] == '/')
				nm = s + 13;
		/* "" is the project, keys without node_modules/ are workspace sources */
		if (!nm || !*nm || !json_is_object(e) || json_is_true(json_object_get(e, "link")))
			continue;
		json_t *version = json_object_get(e, "version"), *name = json_object_get(e, "name");
		if (!json_is_string(version) || !json_string_length(version))
			continue;
		/* "name" is there when it differs from the folder: an alias */
		const char *n = json_is_string(name) && json_string_length(name) ? json_string_value(name) : nm;
		if ((err = lock_entry(v, key, e, n, strlen(n), json_string_value(version), nm)) < 0)
			return err;
	}
	return 0;
}

/* v1 "dependencies": {name: {version, dev, dependencies: {...}}}, nested
 * where npm nested the copy; walked with an explicit stack */
static int lock_dependencies(customs_pkgvec *v, json_t *deps, customs_parse_warn_fn warn, void *ud)
{
	struct frame {
		json_t *deps;
		void *iter;
		char *loc; /* location of the package owning deps, "" for the root */
	} stack[MAX_V1_DEPTH];
	size_t top = 0;
	int err = 0;
	stack[0] = (struct frame){deps, json_object_iter(deps), customs_strdup("")};
	if (!stack[0].loc)
		return nomem();
	top = 1;
	while (top) {
		struct frame *f = &stack[top - 1];
		if (!f->iter) {
			free(f->loc);
			top--;
			continue;
		}
		const char *key = json_object_iter_key(f->iter);
		json_t *e = json_object_iter_value(f->iter);
		f->iter = json_object_iter_next(f->deps, f->iter);
		json_t *version = json_object_get(e, "version");
		if (!json_is_object(e) || !json_is_string(version) || !*key)
			continue;
		char *loc = customs_asprintf("%s%snode_modules/%s", f->loc, *f->loc ? "/" : "", key);
		if (!loc) {
			err = nomem();
			break;
		}
		const char *name = key, *ver = json_string_value(version);
		size_t nlen = strlen(key);
		int aliased = split_alias(ver, &name, &nlen, &ver);
		if ((err = lock_entry(v, loc, e, name, nlen, ver, aliased ? key : NULL)) < 0) {
			free(loc);
			break;
		}
		json_t *sub = json_object_get(e, "dependencies");
		if (!json_is_object(sub) || !json_object_size(sub)) {
			free(loc);
			continue;
		}
		if (top == MAX_V1_DEPTH) {
			customs__parse_warnf(warn, ud, 1,
					     "dependencies nested deeper than %d levels under %s: not read",
					     MAX_V1_DEPTH, loc);
			free(loc);
			continue;
		}
		stack[top++] = (struct frame){sub, json_object_iter(sub), loc};
	}
	while (top)
		free(stack[--top].loc);
	return err;
}

int customs__npm_parse_package_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				    customs_parse_warn_fn warn, void *ud)
{
	customs_pkgvec v = {0};
	int err = 0;
	json_t *root = load_json(buf, len, "lockfile", warn, ud);
	if (!root) {
		*out = NULL;
		*n = 0;
		return CUSTOMS_EFORMAT;
	}
	json_t *lv = json_object_get(root, "lockfileVersion");
	if (lv && (!json_is_integer(lv) || json_integer_value(lv) < 1 || json_integer_value(lv) > 3))
		customs__parse_warnf(warn, ud, 1, "unknown lockfileVersion: read as the closest known one");
	/* npm >= 7 ignores "dependencies" when "packages" is present */
	json_t *packages = json_object_get(root, "packages"), *deps = json_object_get(root, "dependencies");
	if (json_is_object(packages))
		err = lock_packages(&v, packages);
	else if (json_is_object(deps))
		err = lock_dependencies(&v, deps, warn, ud);
	json_decref(root);
	return customs__pkgvec_result(out, n, &v, err);
}

/* ---- yarn.lock ---- */

/* A package's name in a descriptor, and the alias it is depended on as. */
typedef struct pkgname {
	const char *name, *alias; /* alias NULL when it is the name */
	size_t nlen, alen;
} pkgname;

/* Name of a yarn descriptor ("lodash@^4.17.0", "@babel/core@npm:^7.0.0",
 * "alias@npm:real@^1.0.0" -> real, alias); 0 when it has none. */
static int descriptor_name(const char *d, size_t n, pkgname *pn)
{
	const char *at = n > 1 ? memchr(d + 1, '@', n - 1) : NULL;
	if (!at)
		return 0;
	*pn = (pkgname){.name = d, .nlen = (size_t)(at - d)};
	const char *r = at + 1;
	size_t rn = n - (size_t)(r - d);
	if (rn > 4 && !memcmp(r, "npm:", 4)) {
		/* an alias names the real package before its range */
		const char *s = r + 4, *at2 = rn > 5 ? memchr(s + 1, '@', rn - 5) : NULL;
		if (at2 && ((size_t)(at2 - s) != pn->nlen || memcmp(s, d, pn->nlen))) {
			pn->alias = d, pn->alen = pn->nlen;
			pn->name = s, pn->nlen = (size_t)(at2 - s);
		}
	}
	return pn->nlen > 0;
}

/* strip blanks and one pair of double quotes */
static void unquote(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
	if (*n >= 2 && (*s)[0] == '"' && (*s)[*n - 1] == '"')
		(*s)++, *n -= 2;
}

/* The descriptors of a lockfile entry's key ("a@^1, b@npm:a@^1"): the
 * first that names the package as itself in *plain, the first alias in
 * *alias; a bit each (1 plain, 2 alias) in the result, 0 when none has a
 * name.  Both: the entry is installed under either name. */
static int entry_names(const char *key, size_t kl, pkgname *plain, pkgname *alias)
{
	int found = 0;
	while (kl) {
		const char *comma = memchr(key, ',', kl);
		size_t dn = comma ? (size_t)(comma - key) : kl;
		const char *d = key;
		pkgname pn;
		unquote(&d, &dn);
		if (descriptor_name(d, dn, &pn)) {
			if (!pn.alias && !(found & 1))
				*plain = pn, found |= 1;
			else if (pn.alias && !(found & 2))
				*alias = pn, found |= 2;
		}
		if (!comma)
			break;
		kl -= (size_t)(comma + 1 - key);
		key = comma + 1;
	}
	return found;
}

typedef struct seen {
	customs_strmap m;
	customs_strlist keys;
} seen;

/* 1 when name@version (under alias, when there is one) was not seen
 * before in this lockfile */
static int first_time(seen *s, const customs_package *p)
{
	const char *alias = json_string_value(json_object_get(p->metadata, "alias"));
	char *k = customs_asprintf("%s@%s%s%s", p->name, p->version, alias ? " as " : "", alias ? alias : "");
	int found = 0;
	if (!k)
		return nomem();
	customs_strmap_get(&s->m, k, &found);
	if (found) {
		free(k);
		return 0;
	}
	int err = customs_strlist_add(&s->keys, k);
	free(k);
	if (err < 0 || (err = customs_strmap_put(&s->m, s->keys.v[s->keys.n - 1], NULL)) < 0)
		return err;
	return 1;
}

static void seen_release(seen *s)
{
	customs_strmap_release(&s->m);
	customs_strlist_release(&s->keys);
}

static int add_unique(customs_pkgvec *v, seen *s, const pkgname *pn, const char *version, size_t vlen,
		      customs_package **added)
{
	customs_package *p = new_pkg(pn->name, pn->nlen, version, vlen);
	int err;
	*added = NULL;
	if (!p)
		return nomem();
	if ((err = md_set_alias(p, pn->alias, pn->alen)) < 0 || (err = first_time(s, p)) <= 0) {
		customs_package_free(p);
		return err;
	}
	*added = p;
	return customs__pkgvec_push(v, p);
}

/* An entry's packages at version: as itself and under its alias, as
 * found, each with metadata "resolution" when res is set. */
static int add_entry(customs_pkgvec *v, seen *s, int found, const pkgname *plain, const pkgname *alias,
		     const char *version, size_t vlen, const char *res)
{
	int err = 0;
	for (int bit = 1; bit <= 2 && err >= 0; bit++) {
		customs_package *p = NULL;
		if ((found & bit) && (err = add_unique(v, s, bit == 1 ? plain : alias, version, vlen, &p)) >= 0 && p)
			err = md_set_str(p, "resolution", res);
	}
	return err < 0 ? err : 0;
}

/* yarn v1: "key[, key...]:" at column 0, then "  version \"x\"" */
static int yarn_v1(customs_pkgvec *v, const char *buf, size_t len, customs_parse_warn_fn warn, void *ud)
{
	const char *at = buf, *end = buf + len, *p;
	pkgname plain = {0}, alias = {0};
	size_t line = 0, block_line = 0, n;
	int have_version = 1, err = 0, found = 0;
	seen s = {0};

	while (err >= 0 && customs_next_line(&at, end, &p, &n, 1)) {
		line++;
		if (!n || p[0] == '#')
			continue;
		if (p[0] != ' ' && p[0] != '\t') {
			if (!have_version)
				customs__parse_warnf(warn, ud, block_line, "entry without a version: skipped");
			have_version = 0;
			block_line = line;
			found = 0;
			if (p[n - 1] != ':') {
				customs__parse_warnf(warn, ud, line, "not a yarn.lock entry: skipped");
				have_version = 1;
				continue;
			}
			if (!(found = entry_names(p, n - 1, &plain, &alias))) {
				const char *d = p;
				size_t dn = n - 1;
				const char *comma = memchr(d, ',', dn);
				if (comma)
					dn = (size_t)(comma - d);
				unquote(&d, &dn);
				customs__parse_warnf(warn, ud, line, "entry \"%.*s\" has no package name: skipped",
						     (int)(dn > 80 ? 80 : dn), d);
				have_version = 1;
			}
		} else if (found && !have_version) {
			const char *q = p;
			size_t qn = n;
			size_t ind = 0;
			while (ind < qn && q[ind] == ' ')
				ind++;
			if (ind == 2 && qn > 10 && !memcmp(q + 2, "version", 7) && (q[9] == ' ' || q[9] == ':')) {
				q += 10, qn -= 10;
				if (qn && *q == ' ')
					q++, qn--;
				unquote(&q, &qn);
				if (qn)
					err = add_entry(v, &s, found, &plain, &alias, q, qn, NULL);
				have_version = 1;
			}
		}
	}
	if (err >= 0 && !have_version)
		customs__parse_warnf(warn, ud, block_line, "entry without a version: skipped");
	seen_release(&s);
	return err;
}

/* ---- YAML (yarn berry, pnpm) ---- */

static const char *scalar(yaml_document_t *doc, yaml_node_t *n, size_t *len)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	if (len)
		*len = n->data.scalar.length;
	(void)doc;
	return (const char *)n->data.scalar.value;
}

static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	size_t kl = strlen(key);
	for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(doc, pr->key);
		if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == kl &&
		    !memcmp(k->data.scalar.value, key, kl))
			return yaml_document_get_node(doc, pr->value);
	}
	return NULL;
}

static const char *map_str(yaml_document_t *doc, yaml_node_t *m, const char *key, size_t *len)
{
	return scalar(doc, map_get(doc, m, key), len);
}

static int map_true(yaml_document_t *doc, yaml_node_t *m, const char *key)
{
	size_t n;
	const char *s = map_str(doc, m, key, &n);
	return s && n == 4 && !memcmp(s, "true", 4);
}

typedef int (*doc_fn)(void *ud, yaml_document_t *doc, yaml_node_t *root);

/* Every document of a YAML stream (pnpm writes two: env, then the graph). */
static int each_document(const char *buf, size_t len, const char *what, doc_fn fn, void *fn_ud,
			 customs_parse_warn_fn warn, void *ud)
{
	yaml_parser_t parser;
	int err = 0, docs = 0;
	if (!yaml_parser_initialize(&parser))
		return nomem();
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (;;) {
		yaml_document_t doc;
		if (!yaml_parser_load(&parser, &doc)) {
			if (parser.error == YAML_MEMORY_ERROR)
				err = nomem();
			else {
				customs__parse_warnf(warn, ud, parser.problem_mark.line + 1,
						     "%s is not valid YAML (%s): %s", what,
						     parser.problem ? parser.problem : "parse error",
						     docs ? "later documents skipped" : "skipped");
				err = docs ? 0 : CUSTOMS_EFORMAT;
			}
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break; /* end of the stream */
		}
		docs++;
		err = fn(fn_ud, &doc, root);
		yaml_document_delete(&doc);
		if (err < 0)
			break;
	}
	yaml_parser_delete(&parser);
	return err;
}

typedef struct yaml_ctx {
	customs_pkgvec *v;
	seen s;
	customs_parse_warn_fn warn;
	void *ud;
} yaml_ctx;

/* berry: "name@npm:^1, name@npm:~1": {version, resolution: "name@npm:1.2.3", linkType} */
static int berry_doc(void *ud, yaml_document_t *doc, yaml_node_t *root)
{
	yaml_ctx *c = ud;
	int err = 0;
	if (root->type != YAML_MAPPING_NODE) {
		customs__parse_warnf(c->warn, c->ud, root->start_mark.line + 1, "yarn.lock is not a mapping: skipped");
		return CUSTOMS_EFORMAT;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top && !err; pr++) {
		size_t kl, vl, rl = 0;
		const char *key = scalar(doc, yaml_document_get_node(doc, pr->key), &kl);
		yaml_node_t *e = yaml_document_get_node(doc, pr->value);
		if (!key || (kl == 10 && !memcmp(key, "__metadata", 10)) || !e || e->type != YAML_MAPPING_NODE)
			continue;
		const char *version = map_str(doc, e, "version", &vl);
		const char *res = map_str(doc, e, "resolution", &rl);
		const char *link = map_str(doc, e, "linkType", NULL);
		/* workspaces and links are the project's own code; a patch: entry
		 * repeats the npm: entry it patches */
		if (!version || !vl || (link && !strcmp(link, "soft")) ||
		    (res && (strstr(res, "@workspace:") || strstr(res, "@patch:") || strstr(res, "@link:") ||
			     strstr(res, "@portal:"))))
			continue;
		/* the resolution names the package; the key's descriptors say
		 * under which names it is installed */
		pkgname plain = {0}, alias = {0}, real;
		int found = entry_names(key, kl, &plain, &alias);
		if (!found) {
			customs__parse_warnf(c->warn, c->ud, e->start_mark.line + 1,
					     "entry without a package name: skipped");
			continue;
		}
		if (res && descriptor_name(res, rl, &real)) {
			plain.name = alias.name = real.name;
			plain.nlen = alias.nlen = real.nlen;
		}
		err = add_entry(c->v, &c->s, found, &plain, &alias, version, vl, res);
	}
	return err;
}

int customs__npm_parse_yarn_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				 customs_parse_warn_fn warn, void *ud)
{
	customs_pkgvec v = {0};
	int err;
	skip_bom(&buf, &len);
	/* berry is YAML with a __metadata block; v1 is its own format */
	int berry = 0;
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ln = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (ln >= 11 && !memcmp(p, "__metadata:", 11)) {
			berry = 1;
			break;
		}
		p = eol ? eol + 1 : end;
	}
	if (berry) {
		yaml_ctx c = {&v, {{0}, {0}}, warn, ud};
		err = each_document(buf, len, "yarn.lock", berry_doc, &c, warn, ud);
		seen_release(&c.s);
	} else {
		err = yarn_v1(&v, buf, len, warn, ud);
	}
	return customs__pkgvec_result(out, n, &v, err);
}

/* ---- pnpm-lock.yaml ---- */

/* name and version of a pnpm package key: v5 "/name/1.2.3_peer@1",
 * "/@s/name/1.2.3"; v6 "/name@1.2.3(peer@1)"; v9 "name@1.2.3(peer@1)" */
static int pnpm_key(const char *k, size_t kl, int v5, const char **name, size_t *nlen, const char **ver,
		    size_t *vlen)
{
	if (kl && k[0] == '/')
		k++, kl--;
	const char *paren = memchr(k, '(', kl);
	if (paren)
		kl = (size_t)(paren - k);
	if (v5) {
		const char *slash = NULL;
		for (size_t i = kl; i > 0; i--)
			if (k[i - 1] == '/') {
				slash = k + i - 1;
				break;
			}
		if (!slash || slash == k)
			return 0;
		*name = k;
		*nlen = (size_t)(slash - k);
		*ver = slash + 1;
		const char *us = memchr(*ver, '_', kl - (size_t)(*ver - k));
		*vlen = us ? (size_t)(us - *ver) : kl - (size_t)(*ver - k);
	} else {
		const char *at = NULL;
		for (size_t i = kl; i > 1; i--)
			if (k[i - 1] == '@') {
				at = k + i - 1;
				break;
			}
		if (!at)
			return 0;
		*name = k;
		*nlen = (size_t)(at - k);
		*ver = at + 1;
		*vlen = kl - (size_t)(*ver - k);
	}
	/* a package name has at most one slash, after an @scope */
	const char *sl = memchr(*name, '/', *nlen);
	if (sl && ((*name)[0] != '@' || memchr(sl + 1, '/', *nlen - (size_t)(sl + 1 - *name))))
		return 0;
	return *nlen > 0 && *vlen > 0 && !memchr(*ver, ':', *vlen);
}

/* v9 keeps dev-ness out of "packages": walk "snapshots" from the importers'
 * dependencies (prod) and devDependencies (dev).  Marks in `prod` every
 * snapshot key reachable from a prod root, in `dev` the others reachable
 * from a dev root; keys are the document's own strings. */
typedef struct reach {
	customs_strmap snap; /* snapshot key -> node */
	customs_strmap prod, dev;
	customs_strlist owned; /* keys built from name@version */
} reach;

static void reach_release(reach *r)
{
	customs_strmap_release(&r->snap);
	customs_strmap_release(&r->prod);
	customs_strmap_release(&r->dev);
	customs_strlist_release(&r->owned);
}

/* the snapshot key of dependency "name: version" (version may be a full
 * "real@1.0.0" key for an alias, or "link:..." for a workspace) */
static const char *dep_key(reach *r, const char *name, const char *ver)
{
	if (!strncmp(ver, "link:", 5) || !strncmp(ver, "file:", 5))
		return NULL;
	int found;
	if (ver[0] && ver[0] != '@' && strchr(ver + 1, '@') && !(ver[0] >= '0' && ver[0] <= '9')) {
		customs_strmap_get(&r->snap, ver, &found);
		if (found)
			return ver;
	}
	char *k = customs_asprintf("%s@%s", name, ver);
	if (!k)
		return NULL;
	void *node = customs_strmap_get(&r->snap, k, &found);
	(void)node;
	if (!found || customs_strlist_add(&r->owned, k) < 0) {
		free(k);
		return NULL;
	}
	free(k);
	return r->owned.v[r->owned.n - 1];
}

static int mark_from(reach *r, yaml_document_t *doc, customs_strmap *mark, const char **queue, size_t qn,
		     size_t qcap)
{
	int found, err;
	(void)found;
	while (qn) {
		const char *k = queue[--qn];
		yaml_node_t *s = customs_strmap_get(&r->snap, k, &found);
		if (!found)
			continue;
		const char *sections[] = {"dependencies", "optionalDependencies", NULL};
		for (int i = 0; sections[i]; i++) {
			yaml_node_t *deps = map_get(doc, s, sections[i]);
			if (!deps || deps->type != YAML_MAPPING_NODE)
				continue;
			for (yaml_node_pair_t *pr = deps->data.mapping.pairs.start; pr < deps->data.mapping.pairs.top; pr++) {
				const char *dn = scalar(doc, yaml_document_get_node(doc, pr->key), NULL);
				const char *dv = scalar(doc, yaml_document_get_node(doc, pr->value), NULL);
				const char *dk = dn && dv ? dep_key(r, dn, dv) : NULL;
				if (!dk)
					continue;
				int in_mark, in_prod = 0;
				customs_strmap_get(mark, dk, &in_mark);
				if (mark != &r->prod)
					customs_strmap_get(&r->prod, dk, &in_prod);
				if (in_mark || in_prod)
					continue;
				if ((err = customs_strmap_put(mark, dk, (void *)1)) < 0)
					return err;
				if (qn < qcap) /* always: a key is queued once */
					queue[qn++] = dk;
			}
		}
	}
	return 0;
}

static int pnpm_reach(reach *r, yaml_document_t *doc, yaml_node_t *root)
{
	yaml_node_t *snaps = map_get(doc, root, "snapshots"), *imps = map_get(doc, root, "importers");
	int err = 0, found;
	size_t cap;
	const char **queue;
	if (!snaps || snaps->type != YAML_MAPPING_NODE || !imps || imps->type != YAML_MAPPING_NODE)
		return 0;
	for (yaml_node_pair_t *pr = snaps->data.mapping.pairs.start; pr < snaps->data.mapping.pairs.top; pr++) {
		const char *k = scalar(doc, yaml_document_get_node(doc, pr->key), NULL);
		if (k && (err = customs_strmap_put(&r->snap, k, yaml_document_get_node(doc, pr->value))) < 0)
			return err;
	}
	cap = r->snap.n + 1;
	if (!(queue = malloc(cap * sizeof(*queue))))
		return nomem();
	for (int pass = 0; pass < 2 && !err; pass++) {
		customs_strmap *mark = pass == 0 ? &r->prod : &r->dev;
		const char *sections[] = {"dependencies", "optionalDependencies", NULL, "devDependencies", NULL};
		size_t qn = 0;
		for (yaml_node_pair_t *ip = imps->data.mapping.pairs.start; ip < imps->data.mapping.pairs.top; ip++) {
			yaml_node_t *imp = yaml_document_get_node(doc, ip->value);
			for (int i = pass == 0 ? 0 : 3; sections[i]; i++) {
				yaml_node_t *deps = map_get(doc, imp, sections[i]);
				if (!deps || deps->type != YAML_MAPPING_NODE)
					continue;
				for (yaml_node_pair_t *pr = deps->data.mapping.pairs.start; pr < deps->data.mapping.pairs.top;
				     pr++) {
					const char *dn = scalar(doc, yaml_document_get_node(doc, pr->key), NULL);
					yaml_node_t *dv = yaml_document_get_node(doc, pr->value);
					const char *ver = dv && dv->type == YAML_MAPPING_NODE ? map_str(doc, dv, "version", NULL)
											     : scalar(doc, dv, NULL);
					const char *dk = dn && ver ? dep_key(r, dn, ver) : NULL;
					if (!dk)
						continue;
					customs_strmap_get(mark, dk, &found);
					if (found || (pass == 1 && (customs_strmap_get(&r->prod, dk, &found), found)))
						continue;
					if ((err = customs_strmap_put(mark, dk, (void *)1)) < 0)
						break;
					if (qn < cap)
						queue[qn++] = dk;
				}
			}
		}
		if (!err)
			err = mark_from(r, doc, mark, queue, qn, cap);
	}
	free(queue);
	return err;
}

/* For every snapshot key without its peer suffix ("name@1.2.3"): 1 when
 * some snapshot of it is prod, 2 when none is prod and one is dev. */
static int pnpm_base_status(reach *r, customs_strmap *status)
{
	int err, found;
	for (size_t i = 0; i < r->snap.cap; i++) {
		const char *k = r->snap.keys[i];
		if (!k)
			continue;
		int prod, dev;
		customs_strmap_get(&r->prod, k, &prod);
		customs_strmap_get(&r->dev, k, &dev);
		if (!prod && !dev)
			continue;
		const char *paren = strchr(k, '(');
		size_t bl = paren ? (size_t)(paren - k) : strlen(k);
		uintptr_t cur = (uintptr_t)customs_strmap_getn(status, k, bl, &found);
		uintptr_t now = prod ? 1 : (cur == 1 ? 1 : 2);
		if (found && cur == now)
			continue;
		/* the map borrows its keys */
		if ((err = customs_strlist_addn(&r->owned, k, bl)) < 0)
			return err;
		if ((err = customs_strmap_put(status, r->owned.v[r->owned.n - 1], (void *)now)) < 0)
			return err;
	}
	return 0;
}

/* Aliases: dependency edges whose name is not the package's ("string-
 * width-cjs: string-width@4.2.3" in v9, "/string-width@4.2.3" in v6,
 * "/string-width/4.2.3" in v5), from the importers (or the root of a
 * single-project lockfile) and from the packages' and snapshots' own
 * dependencies.  aliases maps "name@version" to the first such name (the
 * document's string); the keys are kept in owned. */
typedef struct pnpm_alias_ctx {
	customs_strmap map;
	customs_strlist owned;
	int v5;
} pnpm_alias_ctx;

static int pnpm_alias_edges(pnpm_alias_ctx *x, yaml_document_t *doc, yaml_node_t *holder)
{
	static const char *const sections[] = {"dependencies", "devDependencies", "optionalDependencies", NULL};
	int err = 0, found;
	for (int i = 0; sections[i]; i++) {
		yaml_node_t *deps = map_get(doc, holder, sections[i]);
		if (!deps || deps->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *pr = deps->data.mapping.pairs.start; pr < deps->data.mapping.pairs.top; pr++) {
			size_t dl = 0, vl = 0, nlen, vlen;
			const char *dn = scalar(doc, yaml_document_get_node(doc, pr->key), &dl);
			yaml_node_t *dv = yaml_document_get_node(doc, pr->value);
			const char *v = dv && dv->type == YAML_MAPPING_NODE ? map_str(doc, dv, "version", &vl)
									: scalar(doc, dv, &vl);
			const char *name, *ver;
			/* v5 writes a plain version with its peers as "1.0.0_peer@2.0.0" */
			if (!dn || !v || (x->v5 && v[0] != '/') || !pnpm_key(v, vl, x->v5, &name, &nlen, &ver, &vlen) ||
			    (nlen == dl && !memcmp(name, dn, dl)))
				continue;
			char *k = customs_asprintf("%.*s@%.*s", (int)nlen, name, (int)vlen, ver);
			if (!k)
				return nomem();
			customs_strmap_get(&x->map, k, &found);
			err = found ? 0 : customs_strlist_add(&x->owned, k);
			free(k);
			/* the map borrows its keys from owned */
			if (err < 0 || (!found && (err = customs_strmap_put(&x->map, x->owned.v[x->owned.n - 1], (void *)dn)) < 0))
				return err;
		}
	}
	return 0;
}

static int pnpm_aliases(pnpm_alias_ctx *x, yaml_document_t *doc, yaml_node_t *root)
{
	static const char *const groups[] = {"importers", "packages", "snapshots", NULL};
	int err = pnpm_alias_edges(x, doc, root);
	for (int g = 0; groups[g] && err >= 0; g++) {
		yaml_node_t *m = map_get(doc, root, groups[g]);
		if (!m || m->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top && err >= 0; pr++)
			err = pnpm_alias_edges(x, doc, yaml_document_get_node(doc, pr->value));
	}
	return err;
}

static int pnpm_doc(void *ud, yaml_document_t *doc, yaml_node_t *root)
{
	yaml_ctx *c = ud;
	reach r = {0};
	customs_strmap status = {0};
	int err = 0;
	if (root->type != YAML_MAPPING_NODE) {
		customs__parse_warnf(c->warn, c->ud, root->start_mark.line + 1,
				     "pnpm-lock.yaml is not a mapping: skipped");
		return CUSTOMS_EFORMAT;
	}
	const char *lv = map_str(doc, root, "lockfileVersion", NULL);
	int v5 = lv && lv[0] >= '1' && lv[0] <= '5' && (lv[1] == '.' || lv[1] == '\0');
	yaml_node_t *packages = map_get(doc, root, "packages");
	if (!packages || packages->type != YAML_MAPPING_NODE)
		return 0;
	int v9 = map_get(doc, root, "snapshots") != NULL;
	pnpm_alias_ctx aliases = {.v5 = v5};
	if ((err = pnpm_aliases(&aliases, doc, root)) < 0)
		goto done;
	if (v9 && ((err = pnpm_reach(&r, doc, root)) < 0 || (err = pnpm_base_status(&r, &status)) < 0))
		goto done;
	for (yaml_node_pair_t *pr = packages->data.mapping.pairs.start; pr < packages->data.mapping.pairs.top && !err;
	     pr++) {
		size_t kl, nlen = 0, vlen = 0;
		const char *key = scalar(doc, yaml_document_get_node(doc, pr->key), &kl);
		yaml_node_t *e = yaml_document_get_node(doc, pr->value);
		const char *name = NULL, *ver = NULL;
		if (!key)
			continue;
		/* tarball and git dependencies carry their name and version */
		const char *en = map_str(doc, e, "name", &nlen), *ev = map_str(doc, e, "version", &vlen);
		if (en && ev && nlen && vlen) {
			name = en, ver = ev;
		} else if (!pnpm_key(key, kl, v5, &name, &nlen, &ver, &vlen)) {
			customs__parse_warnf(c->warn, c->ud, e ? e->start_mark.line + 1 : 1,
					     "package key \"%.*s\" not understood: skipped", (int)(kl > 80 ? 80 : kl),
					     key);
			continue;
		}
		customs_package *p;
		pkgname pn = {.name = name, .nlen = nlen};
		char *nv = customs_asprintf("%.*s@%.*s", (int)nlen, name, (int)vlen, ver);
		if (!nv) {
			err = nomem();
			break;
		}
		if ((pn.alias = customs_strmap_get(&aliases.map, nv, NULL)))
			pn.alen = strlen(pn.alias);
		free(nv);
		err = add_unique(c->v, &c->s, &pn, ver, vlen, &p);
		if (err > 0)
			err = 0;
		if (err || !p)
			continue;
		int dev = v9 ? (uintptr_t)customs_strmap_getn(&status, key, kl, NULL) == 2 : map_true(doc, e, "dev");
		if ((dev && (err = md_set_true(p, "dev")) < 0) ||
		    (map_true(doc, e, "optional") && (err = md_set_true(p, "optional")) < 0))
			break;
		yaml_node_t *res = map_get(doc, e, "resolution");
		err = md_set_str(p, "integrity", map_str(doc, res, "integrity", NULL));
	}
done:
	customs_strmap_release(&aliases.map);
	customs_strlist_release(&aliases.owned);
	customs_strmap_release(&status);
	reach_release(&r);
	return err;
}

int customs__npm_parse_pnpm_lock(customs_package ***out, size_t *n, const char *buf, size_t len,
				 customs_parse_warn_fn warn, void *ud)
{
	customs_pkgvec v = {0};
	yaml_ctx c = {&v, {{0}, {0}}, warn, ud};
	int err = each_document(buf, len, "pnpm-lock.yaml", pnpm_doc, &c, warn, ud);
	seen_release(&c.s);
	return customs__pkgvec_result(out, n, &v, err);
}

/* ---- where a package.json sits ---- */

static int is_debian_root(const char *p, size_t n)
{
	/* node's global folders on Debian: usr/share/nodejs, usr/lib/nodejs,
	 * usr/lib/<multiarch triplet>/nodejs */
	if ((n == 17 && !memcmp(p, "usr/share/nodejs/", 17)) || (n == 15 && !memcmp(p, "usr/lib/nodejs/", 15)))
		return 1;
	if (n > 16 && !memcmp(p, "usr/lib/", 8) && !memcmp(p + n - 8, "/nodejs/", 8)) {
		const char *t = p + 8;
		return memchr(t, '/', n - 16) == NULL;
	}
	return 0;
}

/* Is path[0..end) a package's folder: ".../node_modules/<name>",
 * ".../node_modules/@scope/<name>", or the same in a Debian root in place of
 * node_modules/?  Then 1 and the offset of <name> (or @scope) in *off. */
static int package_dir(const char *path, size_t end, size_t *off)
{
	size_t s1 = end;
	while (s1 && path[s1 - 1] != '/')
		s1--;
	if (s1 == end || path[s1] == '@' || path[s1] == '.')
		return 0;
	size_t start = s1;
	if (s1 >= 2) {
		size_t s0 = s1 - 1;
		while (s0 && path[s0 - 1] != '/')
			s0--;
		if (path[s0] == '@' && s1 - 1 > s0 + 1)
			start = s0;
	}
	*off = start;
	if (start >= 13 && !memcmp(path + start - 13, "node_modules/", 13) && (start == 13 || path[start - 14] == '/'))
		return 1;
	return is_debian_root(path, start);
}

/* For ".../node_modules/<name>/package.json" or
 * ".../node_modules/@scope/<name>/package.json" (or a Debian root in place
 * of node_modules/): 1 and the offset of <name> (or @scope) in *off. */
static int install_position(const char *path, size_t *off)
{
	size_t n = strlen(path);
	if (n < 14 || memcmp(path + n - 13, "/package.json", 13) != 0)
		return 0;
	return package_dir(path, n - 13, off);
}

/* Length of the project directory of an installed package: the path up to
 * its first node_modules component (0 = the image root); -1 when it is in
 * a Debian root instead. */
static long project_len(const char *path)
{
	for (const char *s = path; (s = strstr(s, "node_modules/")); s++)
		if (s == path || s[-1] == '/')
			return s == path ? 0 : (long)(s - path - 1);
	return -1;
}

/* ---- the analyzer ---- */

enum { L_HIDDEN = 0, L_SHRINKWRAP, L_PACKAGE_LOCK, L_YARN, L_PNPM };

/* The state: copies of installed package.json files (one package each, or
 * why not), and of lockfiles (read at finish when they can tell something). */
enum { PKGJSON, LOCKS };

static const char *const basenames[] = {"package.json", "package-lock.json", "npm-shrinkwrap.json",
					".package-lock.json", "yarn.lock", "pnpm-lock.yaml", NULL};

/* Is dir (a lockfile's directory) inside a node_modules tree or a Debian
 * root?  Then it belongs to an installed package (nanoid's own
 * pnpm-lock.yaml, as Debian ships it): what that package was developed
 * with, not what the image holds. */
static int inside_installed_tree(const char *path, size_t dl)
{
	for (const char *s = path; (s = strstr(s, "node_modules")) && (size_t)(s - path) < dl; s++)
		if ((s == path || s[-1] == '/') && (s[12] == '/' || (size_t)(s - path) + 12 == dl))
			return 1;
	for (size_t i = 0; i < dl; i++)
		if (path[i] == '/' && is_debian_root(path, i + 1))
			return 1;
	return 0;
}

/* Is every node_modules folder of path[0..end) inside an installed tree
 * the one of a package, as npm nests them ("a/node_modules/b"), and not a
 * test fixture's ("a/test/node_modules/b")? */
static int nested_in_packages(const char *path, size_t end)
{
	for (const char *s = path; (s = strstr(s, "node_modules/")) && (size_t)(s - path) < end; s++) {
		size_t at = (size_t)(s - path), off;
		if (at && path[at - 1] == '/' && inside_installed_tree(path, at - 1) && !package_dir(path, at - 1, &off))
			return 0;
	}
	return 1;
}

static int lock_kind(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t dl = b > path ? (size_t)(b - path) - 1 : 0;
	if (!strcmp(b, ".package-lock.json")) {
		size_t bl = (size_t)(b - path);
		if (bl < 13 || memcmp(b - 13, "node_modules/", 13) != 0 || (bl != 13 && b[-14] != '/'))
			return -1;
		return inside_installed_tree(path, bl > 13 ? bl - 14 : 0) ? -1 : L_HIDDEN;
	}
	if (inside_installed_tree(path, dl))
		return -1;
	if (!strcmp(b, "npm-shrinkwrap.json"))
		return L_SHRINKWRAP;
	if (!strcmp(b, "package-lock.json"))
		return L_PACKAGE_LOCK;
	if (!strcmp(b, "yarn.lock"))
		return L_YARN;
	if (!strcmp(b, "pnpm-lock.yaml"))
		return L_PNPM;
	return -1;
}

/* An installed package.json: its package, installed under the name of its
 * folder (an alias when that is not its own name, where npm nests
 * packages); nothing for a test fixture inside a package or a marker. */
static int on_package_json(copies *m, const customs_afile *f, const char *data, size_t len)
{
	size_t off = 0;
	customs_package *p = NULL;
	customs_first_warning w = {.set = 0};
	if (!install_position(f->path, &off))
		return 0;
	int err = customs__npm_parse_package_json(&p, data, len, customs__keep_first_warning, &w);
	if (err == CUSTOMS_EFORMAT)
		return copies__add_unreadable(&m[PKGJSON], f->path, f->layer, w.set ? w.msg : "unreadable package.json: skipped");
	if (err < 0 || !p)
		return err;
	size_t dl = strlen(f->path) - 13;
	if (strlen(p->name) != dl - off || memcmp(p->name, f->path + off, dl - off) != 0) {
		/* an alias where npm nests packages; else a fixture or a stray file */
		if (!nested_in_packages(f->path, off)) {
			customs_package_free(p);
			return 0;
		}
		if ((err = md_set_alias(p, f->path + off, dl - off)) < 0) {
			customs_package_free(p);
			return err;
		}
	}
	return copies__add(&m[PKGJSON], f->path, f->layer, &p, 1);
}

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	copies *m = self;
	const char *b = strrchr(f->path, '/');
	if (!data) /* an empty file */
		data = (const unsigned char *)"", len = 0;
	if (!strcmp(b ? b + 1 : f->path, "package.json"))
		return on_package_json(m, f, (const char *)data, len);
	if (lock_kind(f->path) < 0)
		return 0;
	return copies__add_data(&m[LOCKS], f->path, f->layer, data, len);
}

static int same_pkg(const customs_package *x, const customs_package *y)
{
	return x && y && !strcmp(x->name, y->name) && !strcmp(x->version, y->version);
}

/* One visible lockfile. */
typedef struct lockinfo {
	const copies_copy *c;
	int kind;
	char *project;         /* directory, "" for the root */
	customs_package **pkgs;
	size_t n;
} lockinfo;

typedef struct finish_ctx {
	copies *m;
	customs_analysis *a;
	customs_strmap installed;   /* projects with an installed node_modules tree */
	customs_strlist keys;       /* their names */
	lockinfo *locks;
	size_t nlocks;
	customs_strmap by_location; /* lockfile package by image location */
	copies chosen;              /* every copy of the lockfiles that count */
} finish_ctx;

typedef struct lock_warn {
	customs_analysis *a;
	const copies_copy *c;
} lock_warn;

static void warn_lock(void *ud, size_t line, const char *msg)
{
	lock_warn *w = ud;
	customs_analysis_warn(w->a, CUSTOMS_WARN, w->c->layer, w->c->path, "line %zu: %s", line, msg);
}

/* A lockfile's packages with their locations in the image; *out NULL when
 * it cannot be read (warned). */
static int parse_lock(customs_package ***out, size_t *n, customs_analysis *a, const copies_copy *c, int kind,
		      const char *project)
{
	lock_warn w = {a, c};
	int err;
	switch (kind) {
	case L_YARN:
		err = customs__npm_parse_yarn_lock(out, n, c->data, c->len, warn_lock, &w);
		break;
	case L_PNPM:
		err = customs__npm_parse_pnpm_lock(out, n, c->data, c->len, warn_lock, &w);
		break;
	default:
		err = customs__npm_parse_package_lock(out, n, c->data, c->len, warn_lock, &w);
	}
	if (err == CUSTOMS_EFORMAT)
		return 0;
	for (size_t k = 0; k < *n && err == 0; k++) {
		customs_package *p = (*out)[k];
		const char *rel = json_string_value(json_object_get(p->metadata, "location"));
		if (!rel)
			continue;
		char *full = *project ? customs_asprintf("%s/%s", project, rel) : customs_strdup(rel);
		if (!full || json_object_set_new(p->metadata, "location", json_string(full)) < 0)
			err = nomem();
		free(full);
	}
	return err;
}

/* installed packages: the visible package.json copies that hold one */
static int installed_projects(finish_ctx *x)
{
	copies *s = &x->m[PKGJSON];
	for (size_t i = 0; i < s->n; i++) {
		const copies_copy *c = &s->c[i];
		long pl = c->n ? project_len(c->path) : -1;
		if (pl < 0 || copies__visible_layer(x->a, c->path) != c->layer)
			continue;
		int err = customs_strlist_addn(&x->keys, c->path, (size_t)pl);
		if (err < 0 || (err = customs_strmap_put(&x->installed, x->keys.v[x->keys.n - 1], NULL)) < 0)
			return err;
	}
	return 0;
}

/* lockfiles: the visible ones, read when they can tell something */
static int read_locks(finish_ctx *x)
{
	copies *s = &x->m[LOCKS];
	int err = 0;
	copies__sort(s);
	if (!(x->locks = calloc(s->n ? s->n : 1, sizeof(*x->locks))))
		return nomem();
	for (size_t i = 0; i < s->n && err == 0; i++) {
		const copies_copy *c = &s->c[i];
		if (copies__visible_layer(x->a, c->path) != c->layer)
			continue;
		lockinfo *li = &x->locks[x->nlocks];
		const char *b = strrchr(c->path, '/');
		size_t dl = b ? (size_t)(b - c->path) : 0;
		li->c = c;
		li->kind = lock_kind(c->path);
		if (li->kind == L_HIDDEN) /* <project>/node_modules/.package-lock.json */
			dl = dl > 13 ? dl - 13 : 0;
		if (!(li->project = customs_strndup(c->path, dl)))
			return nomem();
		x->nlocks++;
		int found;
		customs_strmap_get(&x->installed, li->project, &found);
		/* with an installed tree only npm's lockfiles add anything: dev flags */
		if (found && li->kind > L_PACKAGE_LOCK)
			continue;
		err = parse_lock(&li->pkgs, &li->n, x->a, c, li->kind, li->project);
		for (size_t k = 0; k < li->n && err == 0; k++) {
			const char *loc = json_string_value(json_object_get(li->pkgs[k]->metadata, "location"));
			if (!loc)
				continue;
			/* the hidden lockfile describes node_modules best; it sorts first */
			customs_strmap_get(&x->by_location, loc, &found);
			if (!found)
				err = customs_strmap_put(&x->by_location, loc, li->pkgs[k]);
		}
	}
	return err;
}

/* lockfile packages for projects without an installed tree: one lockfile
 * per project, npm's own first; every copy of it, for the merge */
static int choose_locks(finish_ctx *x)
{
	copies *s = &x->m[LOCKS];
	int err = 0;
	for (size_t i = 0; i < x->nlocks && err == 0; i++) {
		lockinfo *li = &x->locks[i];
		int found, best = 1;
		customs_strmap_get(&x->installed, li->project, &found);
		if (found || !li->pkgs)
			continue;
		for (size_t j = 0; j < x->nlocks; j++)
			if (j != i && !strcmp(x->locks[j].project, li->project) &&
			    (x->locks[j].kind < li->kind || (x->locks[j].kind == li->kind && j < i)))
				best = 0;
		if (!best)
			continue;
		for (const copies_copy *c = s->c; c < s->c + s->n && err == 0; c++) {
			customs_package **pkgs = NULL;
			size_t n = 0;
			if (strcmp(c->path, li->c->path) != 0)
				continue;
			if (c == li->c) {
				pkgs = li->pkgs, n = li->n;
				li->pkgs = NULL, li->n = 0;
			} else if ((err = parse_lock(&pkgs, &n, x->a, c, li->kind, li->project)) < 0) {
				break;
			}
			err = pkgs ? copies__add(&x->chosen, c->path, c->layer, pkgs, n)
				   : copies__add_unreadable(&x->chosen, c->path, c->layer, NULL);
			free(pkgs);
		}
	}
	return err;
}

/* location, and the dev flag from the project's lockfile (removed
 * packages too) */
static int fill_installed(void *ud, customs_analysis *a, customs_package *p, const copies_copy *listed)
{
	finish_ctx *x = ud;
	char *loc = customs_strndup(p->db_path, strlen(p->db_path) - 13);
	if (!loc || json_object_set_new(p->metadata, "location", json_string(loc)) < 0) {
		free(loc);
		return nomem();
	}
	const customs_package *l = customs_strmap_get(&x->by_location, loc, NULL);
	free(loc);
	if (l && same_pkg(l, p) && json_is_true(json_object_get(l->metadata, "dev")))
		return md_set_true(p, "dev");
	return 0;
}

static int finish(void *self, customs_analysis *a)
{
	finish_ctx x = {.m = self, .a = a};
	int err;

	copies__init(&x.chosen);
	if ((err = installed_projects(&x)) < 0 || (err = read_locks(&x)) < 0 || (err = choose_locks(&x)) < 0)
		goto done;
	if ((err = copies__merge(&x.m[PKGJSON], a,
				 &(copies_merge){.found_by = "npm", .flags = COPIES_OWNERS, .fill = fill_installed, .ud = &x})) < 0)
		goto done;
	err = copies__merge(&x.chosen, a, &(copies_merge){.found_by = "npm", .flags = COPIES_OWNERS});
done:
	for (size_t i = 0; i < x.nlocks; i++) {
		for (size_t k = 0; k < x.locks[i].n; k++)
			customs_package_free(x.locks[i].pkgs[k]);
		free(x.locks[i].pkgs);
		free(x.locks[i].project);
	}
	free(x.locks);
	copies__release(&x.chosen);
	customs_strmap_release(&x.installed);
	customs_strmap_release(&x.by_location);
	customs_strlist_release(&x.keys);
	return err;
}

const customs_analyzer_type customs__npm_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "npm",
	.description = "npm packages: installed node_modules, Debian's nodejs dirs, package-lock, yarn.lock, pnpm-lock",
	.analyzer_version = "2",
	.basenames = basenames,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = MAX_NPM_FILE,
	.file = on_file,
	.finish = finish,
};
