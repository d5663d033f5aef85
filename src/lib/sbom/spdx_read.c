/* spdx_read.c - SPDX 2.2 and 2.3 documents in: the JSON form (clause 5,
 * spdx-schema-v2.3.json) and tag-value, which is parsed into the same
 * json_t shape and then read by the one JSON reader, so both forms mean the
 * same thing.
 *
 * Packages become customs_packages; the root element (purpose CONTAINER, or
 * what the document DESCRIBES when it CONTAINS packages) gives the image's
 * name and properties, an OPERATING_SYSTEM element the distro.  Annotations
 * "customs:NAME=VALUE" (what report/spdx.c writes) are applied as
 * properties, Trivy's attributionTexts ("LayerDiffID: sha256:...") and
 * sourceInfo ("built package from: NAME VERSION") as its properties; "A CONTAINS B" from a distro package to a language package is
 * its installed_by, and to a File adds the file to the package's files.
 *
 * The document is hostile: element counts are capped, every problem with
 * one element is a warning naming it (packages[3] ("lodash"), or its line
 * in tag-value) and reading goes on. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sbom_int.h"

#define MAX_ELEMENTS 1000000       /* packages, files, relationships, annotations / 10 */
#define MAX_WARNINGS 200           /* single-element problems reported per document */
#define MAX_ANNOTATIONS 20000      /* read per element */
#define MAX_CPES 1000              /* read per package */
#define TV_MAX_LINE (1u << 20)     /* bytes in one tag-value line */
#define TV_MAX_LINES 100000000u    /* lines in one tag-value document */

#define IDX(i) ((void *)(uintptr_t)((i) + 1))
#define UNIDX(v) ((size_t)(uintptr_t)(v)-1)

typedef struct elem {
	json_t *j;                 /* packages[i] */
	customs_package *p;        /* the package read from it (owned by the analysis), or NULL */
	unsigned described : 1;    /* the document DESCRIBES it */
	unsigned contains_pkgs : 1;/* it CONTAINS another package */
} elem;

typedef struct rd {
	customs_analysis *a;
	const size_t *lines;       /* tag-value: the line of each package, else NULL */
	size_t nlines;
	elem *el;
	size_t nel;
	customs_strmap ids;        /* package SPDXID → elem index + 1 */
	customs_strmap files;      /* file SPDXID → fileName (borrowed from the document) */
	customs_strmap refs;       /* LicenseRef-* → its extracted text */
	customs_strmap owned;      /* "<elem index>:<path>": files already added */
	customs_arena keys;        /* the keys of owned */
	size_t nwarn;
} rd;

static const char *js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* s quoted for a message: about 80 bytes (cut between UTF-8 characters),
 * controls and quotes escaped.  size: at least 100. */
static const char *quote(char *buf, size_t size, const char *s)
{
	size_t o = 0, i = 0;
	if (!s)
		s = "";
	buf[o++] = '"';
	for (; s[i] && o + 8 < size && (i < 80 || ((unsigned char)s[i] & 0xc0) == 0x80); i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else if (c == '"' || c == '\\')
			buf[o++] = '\\', buf[o++] = (char)c;
		else
			buf[o++] = (char)c;
	}
	if (s[i] && o + 4 < size)
		memcpy(buf + o, "...", 3), o += 3;
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* A warning about one element; past MAX_WARNINGS they are only counted.
 * Messages are one printable line whatever the document holds. */
static void warn(rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(rd *r, const char *fmt, ...)
{
	va_list ap;

	if (++r->nwarn > MAX_WARNINGS) {
		if (r->nwarn == MAX_WARNINGS + 1)
			customs_analysis_warn(r->a, CUSTOMS_WARN, -1, NULL,
					      "more than %d problems with single elements: the rest are not reported",
					      MAX_WARNINGS);
		return;
	}
	va_start(ap, fmt);
	customs__sbom_vwarn(r->a, 1024, fmt, ap);
	va_end(ap);
}

/* "packages[3] ("lodash")", or in tag-value "line 57 (package "lodash")". */
static const char *what(const rd *r, size_t i, char *buf, size_t size)
{
	char q[200];
	const char *name = js(r->el[i].j, "name");
	if (!name)
		name = js(r->el[i].j, "SPDXID");
	quote(q, sizeof(q), name);
	if (r->lines && i < r->nlines)
		snprintf(buf, size, "line %zu (package %s)", r->lines[i], q);
	else
		snprintf(buf, size, "packages[%zu] (%s)", i, q);
	return buf;
}

static int oom(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static int is_distro(const char *t)
{
	return t && (!strcmp(t, "deb") || !strcmp(t, "rpm") || !strcmp(t, "apk"));
}

static int is_purpose(json_t *o, const char *want)
{
	const char *p = js(o, "primaryPackagePurpose");
	if (!p || strlen(p) != strlen(want))
		return 0;
	/* Trivy writes "OPERATING-SYSTEM" */
	for (size_t i = 0; want[i]; i++)
		if (toupper((unsigned char)p[i]) != want[i] && !(p[i] == '-' && want[i] == '_'))
			return 0;
	return 1;
}

/* Trivy groups what one analyzer found under an APPLICATION element named
 * after the analyzer ("node-pkg") or the file ("app/bin/x"): no version,
 * no purl, not a package */
static int is_trivy_result(json_t *o)
{
	const char *id = js(o, "SPDXID");
	return is_purpose(o, "APPLICATION") && id && customs_str_has_prefix(id, "SPDXRef-Application-") &&
	       !js(o, "versionInfo") && !json_array_size(json_object_get(o, "externalRefs"));
}

static elem *elem_of(const rd *r, const char *id)
{
	void *v = id ? customs_strmap_get(&r->ids, id, NULL) : NULL;
	return v ? &r->el[UNIDX(v)] : NULL;
}

/* ---- properties ---------------------------------------------------------- */

/* The annotations "customs:NAME=VALUE" of an element as properties of p
 * (NULL: of the image).  A package property customs does not know (or
 * whose value it cannot read) is a warning; the image's informational ones
 * (customs:image:reference, :source-kind) are not read back and need none. */
static int apply_annotations(rd *r, json_t *o, customs_package *p, const char *who)
{
	size_t k;
	json_t *an;
	json_array_foreach(json_object_get(o, "annotations"), k, an) {
		const char *c = js(an, "comment"), *eq;
		if (k == MAX_ANNOTATIONS) {
			warn(r, "%s: %zu annotations; only the first %d are read", who,
			     json_array_size(json_object_get(o, "annotations")), MAX_ANNOTATIONS);
			break;
		}
		if (!c || !customs_str_has_prefix(c, "customs:") || !(eq = strchr(c, '=')))
			continue;
		char *name = customs_strndup(c, (size_t)(eq - c));
		if (!name)
			return oom();
		int used = customs__sbom_apply_prop(r->a, p, name, eq + 1);
		if (used == 0 && p) {
			char q[200];
			warn(r, "%s: annotation %s not understood; ignored", who, quote(q, sizeof(q), c));
		}
		free(name);
		if (used < 0)
			return used;
	}
	return 0;
}

/* ---- one package ----------------------------------------------------------- */

static int set_dup(char **dst, const char *v)
{
	if (*dst || !v || !*v)
		return 0;
	return (*dst = customs_strdup(v)) ? 0 : oom();
}

static int set_meta(customs_package *p, const char *key, const char *v)
{
	if (!p->metadata && !(p->metadata = json_object()))
		return oom();
	if (json_object_get(p->metadata, key))
		return 0;
	return json_object_set_new(p->metadata, key, json_string(v)) < 0 ? oom() : 0;
}

static int read_refs(rd *r, json_t *o, customs_package *p, const char *who)
{
	size_t k;
	json_t *ref;
	int have_purl = 0, cpes_cut = 0, err;

	json_array_foreach(json_object_get(o, "externalRefs"), k, ref) {
		const char *type = js(ref, "referenceType"), *loc = js(ref, "referenceLocator");
		if (!type || !loc || !*loc)
			continue;
		if (!strcasecmp(type, "purl") && !have_purl) {
			have_purl = 1;
			if ((err = customs__sbom_package_from_purl(p, loc)) == CUSTOMS_ENOMEM)
				return err;
			if (err < 0) {
				warn(r, "%s: %s", who, customs_error_last());
				customs_error_clear();
			}
		} else if (!strcasecmp(type, "cpe23Type") || !strcasecmp(type, "cpe22Type")) {
			if (p->cpes.n >= MAX_CPES) {
				if (!cpes_cut++)
					warn(r, "%s: more than %d CPEs; only the first are read", who, MAX_CPES);
				continue;
			}
			if (!customs_strlist_contains(&p->cpes, loc) && customs_strlist_add(&p->cpes, loc) < 0)
				return oom();
		}
	}
	return 0;
}

static int no_assertion(const char *s)
{
	return !s || !*s || !strcasecmp(s, "NOASSERTION") || !strcasecmp(s, "NONE");
}

/* licenseDeclared, else licenseConcluded: one string; a lone LicenseRef
 * whose text the document extracted gives back that text. */
static int read_license(rd *r, json_t *o, customs_package *p)
{
	const char *l = js(o, "licenseDeclared");
	if (no_assertion(l))
		l = js(o, "licenseConcluded");
	if (no_assertion(l))
		return 0;
	const char *text = customs_strmap_get(&r->refs, l, NULL);
	if (text && *text && strcmp(text, "NOASSERTION"))
		l = text;
	if (customs_strlist_contains(&p->licenses, l))
		return 0;
	return customs_strlist_add(&p->licenses, l) < 0 ? oom() : 0;
}

/* "acquired package info from dpkg at /var/lib/dpkg/status" (ours), "...
 * from DPKG DB: /var/lib/dpkg/status" (Syft): what found it, where. */
static int read_source_info(json_t *o, customs_package *p)
{
	static const char prefix[] = "acquired package info from ";
	const char *s = js(o, "sourceInfo"), *at;
	int err = 0;

	if (!s || !customs_str_has_prefix(s, prefix))
		return 0;
	s += strlen(prefix);
	if ((at = strstr(s, " at /")) != NULL) {
		char *by = customs_strndup(s, (size_t)(at - s));
		if (!by)
			return oom();
		if (*by && !strchr(by, ' '))
			err = set_dup(&p->found_by, by);
		free(by);
		at += strlen(" at ");
	} else if ((at = strstr(s, ": /")) != NULL) {
		at += strlen(": ");
	} else if (*s == '/') {
		at = s;
	}
	/* Syft lists every location, the one it read first: "PATH, PATH" */
	if (!err && at && !p->db_path) {
		at += strspn(at, "/");
		char *first = customs_strndup(at, strstr(at, ", ") ? (size_t)(strstr(at, ", ") - at) : strlen(at));
		err = first ? set_dup(&p->db_path, first) : oom();
		free(first);
	}
	return err;
}

/* "Person: NAME (EMAIL)" back to a deb's or apk's maintainer "NAME <EMAIL>",
 * "Organization: NAME" to an rpm's vendor. */
static int read_supplier(json_t *o, customs_package *p)
{
	const char *s = js(o, "supplier"), *lp;
	if (!s || !is_distro(p->type))
		return 0;
	if (!strcmp(p->type, "rpm")) {
		if (!customs_str_has_prefix(s, "Organization: ") || !s[14])
			return 0;
		return set_meta(p, "vendor", s + 14);
	}
	if (!customs_str_has_prefix(s, "Person: ") && !customs_str_has_prefix(s, "Organization: "))
		return 0;
	s = strchr(s, ':') + 2;
	size_t n = strlen(s);
	char *m;
	if ((lp = strrchr(s, '(')) && n && s[n - 1] == ')' && lp > s && lp[-1] == ' ')
		m = customs_asprintf("%.*s <%.*s>", (int)(lp - 1 - s), s, (int)(s + n - 1 - lp - 1), lp + 1);
	else
		m = customs_strdup(s);
	if (!m)
		return oom();
	int err = *m ? set_meta(p, "maintainer", m) : 0;
	free(m);
	return err;
}

/* Trivy's attributionTexts ("LayerDiffID: sha256:...") as its properties */
static int read_attributions(rd *r, json_t *o, customs_package *p)
{
	size_t k;
	json_t *x;
	int err;
	json_array_foreach(json_object_get(o, "attributionTexts"), k, x) {
		if (k == MAX_ANNOTATIONS)
			break;
		if (json_is_string(x) && (err = customs__sbom_peer_attribution(r->a, p, json_string_value(x))) < 0)
			return err;
	}
	return 0;
}

static int read_package(rd *r, size_t i)
{
	json_t *o = r->el[i].j;
	const char *name = js(o, "name");
	char who[512];
	int err;

	what(r, i, who, sizeof(who));
	if (!name || !*name) {
		warn(r, "%s: a package without a name; skipped", who);
		return 0;
	}
	customs_package *p = customs_package_new();
	if (!p)
		return oom();
	const char *ver = js(o, "versionInfo");
	if ((err = set_dup(&p->name, name)) < 0 || (err = set_dup(&p->version, no_assertion(ver) ? NULL : ver)) < 0 ||
	    (err = apply_annotations(r, o, p, who)) < 0 || (err = read_refs(r, o, p, who)) < 0 ||
	    (err = read_license(r, o, p)) < 0 || (err = read_source_info(o, p)) < 0 ||
	    (err = customs__sbom_peer_source_info(p, js(o, "sourceInfo"))) < 0 ||
	    (err = read_attributions(r, o, p)) < 0 || (err = read_supplier(o, p)) < 0 ||
	    (err = customs_analysis_add_package(r->a, p)) < 0) {
		customs_package_free(p);
		return err;
	}
	r->el[i].p = p;
	return 0;
}

/* The root element: the image's name, its manifest digest and properties. */
static int read_image(rd *r, size_t i)
{
	json_t *o = r->el[i].j, *c;
	customs_image *im = &r->a->image;
	char who[512];
	size_t k;
	int err;

	if ((err = apply_annotations(r, o, NULL, what(r, i, who, sizeof(who)))) < 0 ||
	    (err = read_attributions(r, o, NULL)) < 0)
		return err;
	if (!im->name && js(o, "name") && *js(o, "name") && !(im->name = customs_strdup(js(o, "name"))))
		return oom();
	json_array_foreach(json_object_get(o, "checksums"), k, c) {
		const char *alg = js(c, "algorithm"), *v = js(c, "checksumValue");
		if (im->manifest_digest || !alg || strcmp(alg, "SHA256") || !v)
			continue;
		char *d = customs_asprintf("sha256:%s", v);
		if (!d)
			return oom();
		if (customs_digest_valid(d))
			im->manifest_digest = d;
		else
			free(d);
	}
	return 0;
}

/* ---- relationships and files ------------------------------------------------ */

/* A relationship's three members; 0 (after a warning) when it has not. */
static int rel_parts(rd *r, size_t k, json_t *rel, const char **a, const char **type, const char **b)
{
	*a = js(rel, "spdxElementId");
	*type = js(rel, "relationshipType");
	*b = js(rel, "relatedSpdxElement");
	if (*a && *type && *b)
		return 1;
	warn(r, "relationships[%zu]: not a relationship (spdxElementId, relationshipType, relatedSpdxElement); "
		"skipped", k);
	return 0;
}

/* Which elements the document describes and which contain packages: the
 * root is told by them (before the packages are read). */
static void mark_roots(rd *r, json_t *doc, json_t *rels)
{
	const char *doc_id = js(doc, "SPDXID"), *a, *t, *b;
	size_t k;
	json_t *x;
	elem *e, *f;

	if (!doc_id)
		doc_id = "SPDXRef-DOCUMENT";
	json_array_foreach(json_object_get(doc, "documentDescribes"), k, x)
		if ((e = elem_of(r, json_string_value(x))))
			e->described = 1;
	json_array_foreach(rels, k, x) {
		if (!rel_parts(r, k, x, &a, &t, &b))
			continue;
		if (!strcmp(t, "DESCRIBES") && !strcmp(a, doc_id) && (e = elem_of(r, b)))
			e->described = 1;
		else if (!strcmp(t, "DESCRIBED_BY") && !strcmp(b, doc_id) && (e = elem_of(r, a)))
			e->described = 1;
		else if (!strcmp(t, "CONTAINS") && (e = elem_of(r, a)) && (f = elem_of(r, b)) && e != f)
			e->contains_pkgs = 1;
		else if (!strcmp(t, "CONTAINED_BY") && (e = elem_of(r, b)) && (f = elem_of(r, a)) && e != f)
			e->contains_pkgs = 1;
	}
}

/* "./usr/bin/x" (or "/usr/bin/x", "usr/bin/x") as the package's "/usr/bin/x" */
static int add_owned_file(rd *r, size_t i, const char *name)
{
	customs_package *p = r->el[i].p;
	if (!name)
		return 0;
	if (name[0] == '.' && name[1] == '/')
		name++;
	name += strspn(name, "/");
	if (!*name)
		return 0;
	char *key = customs_asprintf("%zu:/%s", i, name);
	if (!key)
		return oom();
	if (customs_strmap_get(&r->owned, key, NULL)) {
		free(key);
		return 0;
	}
	char *kept = customs_arena_strdup(&r->keys, key);
	free(key);
	if (!kept || customs_strmap_put(&r->owned, kept, (void *)1) < 0)
		return oom();
	return customs_strlist_add(&p->files, strchr(kept, ':') + 1) < 0 ? oom() : 0;
}

static int relate(rd *r, const char *a, const char *t, const char *b)
{
	int contains = !strcmp(t, "CONTAINS");
	if (!contains && strcmp(t, "CONTAINED_BY"))
		return 0;
	if (!contains) {
		const char *s = a;
		a = b, b = s;
	}
	elem *ea = elem_of(r, a), *eb = elem_of(r, b);
	if (!ea || !ea->p)
		return 0;
	if (eb && eb->p) {
		/* a distro package holding a language package installed it */
		customs_package *o = ea->p, *q = eb->p;
		if (q == o || !is_distro(o->type) || !o->name || is_distro(q->type))
			return 0;
		return set_meta(q, "installed_by", o->name);
	}
	const char *file = customs_strmap_get(&r->files, b, NULL);
	return file ? add_owned_file(r, (size_t)(ea - r->el), file) : 0;
}

static int read_files(rd *r, json_t *files)
{
	size_t k;
	json_t *f;
	json_array_foreach(files, k, f) {
		const char *id = js(f, "SPDXID"), *name = js(f, "fileName");
		if (!id || !name) {
			warn(r, "files[%zu]: a file without SPDXID or fileName; skipped", k);
			continue;
		}
		if (!customs_strmap_get(&r->files, id, NULL) && customs_strmap_put(&r->files, id, (void *)name) < 0)
			return oom();
	}
	return 0;
}

static int read_relationships(rd *r, json_t *rels)
{
	const char *a, *t, *b;
	size_t k;
	json_t *x;
	int err;

	json_array_foreach(rels, k, x)
		if (js(x, "spdxElementId") && js(x, "relationshipType") && js(x, "relatedSpdxElement")) {
			rel_parts(r, k, x, &a, &t, &b);
			if ((err = relate(r, a, t, b)) < 0)
				return err;
		}
	/* hasFiles (SPDX 2.2, and the files that follow a package in tag-value) */
	for (size_t i = 0; i < r->nel; i++) {
		customs_package *p = r->el[i].p;
		if (!p)
			continue;
		json_array_foreach(json_object_get(r->el[i].j, "hasFiles"), k, x) {
			const char *id = json_string_value(x);
			const char *file = id ? customs_strmap_get(&r->files, id, NULL) : NULL;
			if (file && (err = add_owned_file(r, i, file)) < 0)
				return err;
		}
		/* a language package's one file is its manifest (Trivy: package.json) */
		if (!p->db_path && p->files.n == 1 && !is_distro(p->type) &&
		    customs__sbom_set_path(&p->db_path, p->files.v[0]) < 0)
			return oom();
	}
	return 0;
}

/* ---- the document -------------------------------------------------------------- */

/* An optional top-level array: NULL when absent, -1 (error set) when it is
 * something else or too long. */
static int get_array(json_t **out, json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return customs__error(CUSTOMS_EFORMAT, "\"%s\" is not an array", key);
	if (json_array_size(v) > MAX_ELEMENTS)
		return customs__error(CUSTOMS_ELIMIT, "\"%s\" has %zu elements, more than the limit of %d", key,
				      json_array_size(v), MAX_ELEMENTS);
	*out = v;
	return 0;
}

static int read_extracted(rd *r, json_t *lics)
{
	size_t k;
	json_t *x;
	json_array_foreach(lics, k, x) {
		const char *id = js(x, "licenseId"), *text = js(x, "extractedText");
		if (!id || !text) {
			warn(r, "hasExtractedLicensingInfos[%zu]: no licenseId or extractedText; skipped", k);
			continue;
		}
		if (!customs_strmap_get(&r->refs, id, NULL) && customs_strmap_put(&r->refs, id, (void *)text) < 0)
			return oom();
	}
	return 0;
}

static int check_version(json_t *doc)
{
	char q[200];
	if (!json_is_object(doc))
		return customs__error(CUSTOMS_EFORMAT, "not an SPDX document: not a JSON object");
	const char *v = js(doc, "spdxVersion");
	if (!v)
		return customs__error(CUSTOMS_EFORMAT, "not an SPDX document: no spdxVersion");
	if (strcmp(v, "SPDX-2.2") && strcmp(v, "SPDX-2.3"))
		return customs__error(CUSTOMS_EFORMAT, "unknown spdxVersion %s (customs reads SPDX 2.2 and 2.3)",
				      quote(q, sizeof(q), v));
	return 0;
}

static int read_elements(rd *r, json_t *doc, json_t *pkgs, json_t *rels)
{
	int err;
	json_t *x;
	size_t i;

	r->nel = json_array_size(pkgs);
	if (r->nel && !(r->el = calloc(r->nel, sizeof(*r->el))))
		return oom();
	json_array_foreach(pkgs, i, x) {
		const char *id = js(x, "SPDXID");
		char who[512];
		r->el[i].j = x;
		if (!json_is_object(x)) {
			warn(r, "%s: not an object; skipped", what(r, i, who, sizeof(who)));
			continue;
		}
		if (id && customs_strmap_get(&r->ids, id, NULL))
			warn(r, "%s: SPDXID \"%.100s\" was used before; relationships go to the first", what(r, i, who,
				sizeof(who)), id);
		else if (id && customs_strmap_put(&r->ids, id, IDX(i)) < 0)
			return oom();
	}
	mark_roots(r, doc, rels);
	for (i = 0; i < r->nel; i++) {
		json_t *o = r->el[i].j;
		if (!json_is_object(o))
			continue;
		if (is_purpose(o, "CONTAINER") || (r->el[i].described && r->el[i].contains_pkgs))
			err = read_image(r, i);
		else if (is_purpose(o, "OPERATING_SYSTEM"))
			err = customs__sbom_set_distro(r->a, js(o, "name"), js(o, "versionInfo"), js(o, "description"));
		else if (!is_trivy_result(o))
			err = read_package(r, i);
		if (err < 0)
			return err;
	}
	return 0;
}

static int read_doc(rd *r, json_t *doc)
{
	json_t *pkgs, *rels, *files, *lics;
	int err;

	if ((err = check_version(doc)) < 0 || (err = get_array(&pkgs, doc, "packages")) < 0 ||
	    (err = get_array(&rels, doc, "relationships")) < 0 || (err = get_array(&files, doc, "files")) < 0 ||
	    (err = get_array(&lics, doc, "hasExtractedLicensingInfos")) < 0)
		return err;
	if ((err = read_extracted(r, lics)) < 0 || (err = read_files(r, files)) < 0 ||
	    (err = read_elements(r, doc, pkgs, rels)) < 0)
		return err;
	return read_relationships(r, rels);
}

static int read_json_lines(customs_analysis *a, json_t *doc, const size_t *lines, size_t nlines, size_t nwarn)
{
	rd r = {.a = a, .lines = lines, .nlines = nlines, .nwarn = nwarn};
	int err = read_doc(&r, doc);
	free(r.el);
	customs_strmap_release(&r.ids);
	customs_strmap_release(&r.files);
	customs_strmap_release(&r.refs);
	customs_strmap_release(&r.owned);
	customs_arena_release(&r.keys);
	return err;
}

int customs__read_spdx_json(customs_analysis *a, json_t *doc)
{
	return read_json_lines(a, doc, NULL, 0, 0);
}

/* ---- tag-value ------------------------------------------------------------------- */

/* Tag-value is read into the JSON form: "PackageName" opens a package,
 * "FileName" a file (contained by the package it follows, clause 5),
 * "LicenseID" an extracted license, "Annotator" an annotation (attached to
 * the element its SPDXREF names once all are known), "Relationship" is one
 * line.  Every other tag fills the open section of its kind; unknown tags
 * are ignored. */

enum { S_DOC, S_PKG, S_FILE, S_LIC, S_ANN, S_REL };
enum { K_STR, K_BOOL, K_CHECKSUM, K_EXTREF, K_CREATOR, K_CREATED, K_SPDXID, K_REF, K_LIST };

static const struct tv_tag {
	const char *tag;
	int section, kind;
	const char *key;
} tv_tags[] = {
	{"SPDXVersion", S_DOC, K_STR, "spdxVersion"},
	{"DataLicense", S_DOC, K_STR, "dataLicense"},
	{"DocumentName", S_DOC, K_STR, "name"},
	{"DocumentNamespace", S_DOC, K_STR, "documentNamespace"},
	{"DocumentComment", S_DOC, K_STR, "comment"},
	{"Creator", S_DOC, K_CREATOR, "creators"},
	{"Created", S_DOC, K_CREATED, "created"},
	{"SPDXID", S_DOC, K_SPDXID, "SPDXID"},
	{"PackageVersion", S_PKG, K_STR, "versionInfo"},
	{"PackageFileName", S_PKG, K_STR, "packageFileName"},
	{"PackageSupplier", S_PKG, K_STR, "supplier"},
	{"PackageOriginator", S_PKG, K_STR, "originator"},
	{"PackageDownloadLocation", S_PKG, K_STR, "downloadLocation"},
	{"FilesAnalyzed", S_PKG, K_BOOL, "filesAnalyzed"},
	{"PackageChecksum", S_PKG, K_CHECKSUM, "checksums"},
	{"PackageHomePage", S_PKG, K_STR, "homepage"},
	{"PackageSourceInfo", S_PKG, K_STR, "sourceInfo"},
	{"PackageLicenseConcluded", S_PKG, K_STR, "licenseConcluded"},
	{"PackageLicenseDeclared", S_PKG, K_STR, "licenseDeclared"},
	{"PackageCopyrightText", S_PKG, K_STR, "copyrightText"},
	{"PackageSummary", S_PKG, K_STR, "summary"},
	{"PackageDescription", S_PKG, K_STR, "description"},
	{"PackageComment", S_PKG, K_STR, "comment"},
	{"ExternalRef", S_PKG, K_EXTREF, "externalRefs"},
	{"PrimaryPackagePurpose", S_PKG, K_STR, "primaryPackagePurpose"},
	{"PackageAttributionText", S_PKG, K_LIST, "attributionTexts"},
	{"FileChecksum", S_FILE, K_CHECKSUM, "checksums"},
	{"ExtractedText", S_LIC, K_STR, "extractedText"},
	{"LicenseName", S_LIC, K_STR, "name"},
	{"AnnotationDate", S_ANN, K_STR, "annotationDate"},
	{"AnnotationType", S_ANN, K_STR, "annotationType"},
	{"SPDXREF", S_ANN, K_REF, "SPDXREF"},
	{"AnnotationComment", S_ANN, K_STR, "comment"},
	{"RelationshipComment", S_REL, K_STR, "comment"},
};

typedef struct tv_ann {
	json_t *j;                 /* the annotation (owned) */
	json_t *elem;              /* the element open when it started (borrowed from the document) */
	char *ref;                 /* its SPDXREF, or NULL */
	size_t line;
} tv_ann;

typedef struct tv {
	rd r;                      /* warnings (count carried into the JSON reader) */
	json_t *doc, *pkgs, *files, *rels, *lics;
	json_t *elem;              /* the document, package or file SPDXID belongs to */
	json_t *open[S_REL + 1];   /* the open section of each kind (borrowed) */
	size_t *pkg_lines, *file_pkg; /* a package's line; the package a file follows (index + 1, 0: none) */
	size_t cap_pkg_lines, cap_file_pkg;
	tv_ann *anns;
	size_t nanns, cap_anns;
	size_t line;
	char ctx[200];             /* the last SPDXID or PackageName, quoted, for warnings */
} tv;

static void tv_warn(tv *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tv_warn(tv *t, const char *fmt, ...)
{
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (t->ctx[0])
		warn(&t->r, "line %zu (after %s): %s", t->line, t->ctx, msg);
	else
		warn(&t->r, "line %zu: %s", t->line, msg);
}

/* A JSON string of v (n bytes): invalid UTF-8 and NUL bytes as U+FFFD. */
static json_t *tv_string(const char *v, size_t n)
{
	size_t i = 0, l;
	while (i < n && (l = customs_utf8_len((const unsigned char *)v + i, n - i)))
		i += l;
	if (i == n)
		return json_stringn_nocheck(v, n);
	customs_buf b = CUSTOMS_BUF_INIT(0);
	if (customs_buf_put(&b, v, i) < 0)
		return NULL;
	while (i < n) {
		l = customs_utf8_len((const unsigned char *)v + i, n - i);
		if (customs_buf_put(&b, l ? v + i : "\xef\xbf\xbd", l ? l : 3) < 0) {
			customs_buf_release(&b);
			return NULL;
		}
		i += l ? l : 1;
	}
	json_t *j = json_stringn(b.ptr ? b.ptr : "", b.len);
	customs_buf_release(&b);
	return j;
}

static int tv_push(json_t *arr, json_t *o, const char *what, size_t max)
{
	if (!o)
		return oom();
	if (json_array_size(arr) >= max) {
		json_decref(o);
		return customs__error(CUSTOMS_ELIMIT, "more than %zu %s", max, what);
	}
	return json_array_append_new(arr, o) < 0 ? oom() : 0;
}

/* Room for element n of *v: v grown (doubling) when full, or NULL when out
 * of memory (v is kept). */
static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	size_t ncap = *cap ? 2 * *cap : 64;
	void *q = realloc(v, ncap * size);
	if (q)
		*cap = ncap;
	return q;
}

/* The first bytes of v (n long) quoted, never cutting a UTF-8 character. */
static const char *quote_head(char *buf, size_t size, const char *v, size_t n)
{
	char tmp[100];
	if (n > 90) {
		n = 90;
		while (n && ((unsigned char)v[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	return quote(buf, size, tmp);
}

static void tv_context(tv *t, const char *v, size_t n)
{
	quote_head(t->ctx, sizeof(t->ctx), v, n);
}

/* A new section: PackageName, FileName, LicenseID, Annotator, Relationship. */
static int tv_open(tv *t, const char *tag, json_t *val, const char *v, size_t n, int *handled)
{
	json_t *o;
	int err;

	*handled = 1;
	if (!strcmp(tag, "PackageName")) {
		size_t *pl = grow(t->pkg_lines, &t->cap_pkg_lines, json_array_size(t->pkgs), sizeof(size_t));
		if (!pl)
			return oom();
		t->pkg_lines = pl;
		t->pkg_lines[json_array_size(t->pkgs)] = t->line;
		o = json_object();
		if (!o || json_object_set_new(o, "name", json_incref(val)) < 0)
			return json_decref(o), oom();
		if ((err = tv_push(t->pkgs, o, "packages", MAX_ELEMENTS)) < 0)
			return err;
		t->elem = t->open[S_PKG] = o;
		t->open[S_FILE] = t->open[S_LIC] = t->open[S_ANN] = t->open[S_REL] = NULL;
		tv_context(t, v, n);
	} else if (!strcmp(tag, "FileName")) {
		size_t j = json_array_size(t->files);
		size_t *fp = grow(t->file_pkg, &t->cap_file_pkg, j, sizeof(size_t));
		if (!fp)
			return oom();
		t->file_pkg = fp;
		t->file_pkg[j] = t->open[S_PKG] ? json_array_size(t->pkgs) : 0;
		o = json_object();
		if (!o || json_object_set_new(o, "fileName", json_incref(val)) < 0)
			return json_decref(o), oom();
		if ((err = tv_push(t->files, o, "files", MAX_ELEMENTS)) < 0)
			return err;
		t->elem = t->open[S_FILE] = o;
		t->open[S_LIC] = t->open[S_ANN] = t->open[S_REL] = NULL;
	} else if (!strcmp(tag, "LicenseID")) {
		o = json_object();
		if (!o || json_object_set_new(o, "licenseId", json_incref(val)) < 0)
			return json_decref(o), oom();
		if ((err = tv_push(t->lics, o, "extracted licenses", MAX_ELEMENTS)) < 0)
			return err;
		t->open[S_LIC] = o;
		t->open[S_ANN] = t->open[S_REL] = NULL;
	} else if (!strcmp(tag, "Annotator")) {
		if (t->nanns >= 10 * (size_t)MAX_ELEMENTS)
			return customs__error(CUSTOMS_ELIMIT, "more than %zu annotations", 10 * (size_t)MAX_ELEMENTS);
		tv_ann *an = grow(t->anns, &t->cap_anns, t->nanns, sizeof(*t->anns));
		if (!an)
			return oom();
		t->anns = an;
		o = json_object();
		if (!o || json_object_set_new(o, "annotator", json_incref(val)) < 0)
			return json_decref(o), oom();
		t->anns[t->nanns++] = (tv_ann){o, t->elem, NULL, t->line};
		t->open[S_ANN] = o;
		t->open[S_REL] = NULL;
	} else if (!strcmp(tag, "Relationship")) {
		/* "SPDXRef-A CONTAINS SPDXRef-B" */
		const char *s = json_string_value(val), *w[3];
		size_t l[3], k = 0;
		while (k < 3 && *(s += strspn(s, " \t"))) {
			w[k] = s;
			l[k] = strcspn(s, " \t");
			s += l[k++];
		}
		if (k < 3 || s[strspn(s, " \t")]) {
			char q[200];
			tv_warn(t, "Relationship %s is not \"ELEMENT TYPE ELEMENT\"; skipped",
				quote(q, sizeof(q), json_string_value(val)));
			t->open[S_REL] = NULL;
			return 0;
		}
		o = json_object();
		if (!o || json_object_set_new(o, "spdxElementId", json_stringn(w[0], l[0])) < 0 ||
		    json_object_set_new(o, "relationshipType", json_stringn(w[1], l[1])) < 0 ||
		    json_object_set_new(o, "relatedSpdxElement", json_stringn(w[2], l[2])) < 0)
			return json_decref(o), oom();
		if ((err = tv_push(t->rels, o, "relationships", MAX_ELEMENTS)) < 0)
			return err;
		t->open[S_REL] = o;
		t->open[S_ANN] = NULL;
	} else {
		*handled = 0;
	}
	return 0;
}

/* "SHA256: 0123..." */
static int tv_checksum(tv *t, json_t *o, const char *tag, const char *v)
{
	const char *colon = strchr(v, ':');
	char q[200];
	if (!colon || colon == v || !colon[1 + strspn(colon + 1, " ")]) {
		tv_warn(t, "%s %s is not \"ALGORITHM: VALUE\"; skipped", tag, quote(q, sizeof(q), v));
		return 0;
	}
	json_t *arr = json_object_get(o, "checksums"), *c = json_object();
	if (!arr && (json_object_set_new(o, "checksums", arr = json_array()) < 0 || !arr))
		return json_decref(c), oom();
	if (!c || json_object_set_new(c, "algorithm", json_stringn(v, (size_t)(colon - v))) < 0 ||
	    json_object_set_new(c, "checksumValue", json_string(colon + 1 + strspn(colon + 1, " "))) < 0)
		return json_decref(c), oom();
	return json_array_append_new(arr, c) < 0 ? oom() : 0;
}

/* "PACKAGE-MANAGER purl pkg:deb/debian/curl@7.88.1" */
static int tv_extref(tv *t, json_t *o, const char *v)
{
	const char *w[3];
	size_t l[3], k = 0;
	const char *s = v;
	char q[200];
	while (k < 2 && *(s += strspn(s, " \t"))) {
		w[k] = s;
		l[k] = strcspn(s, " \t");
		s += l[k++];
	}
	s += strspn(s, " \t");
	if (k < 2 || !*s) {
		tv_warn(t, "ExternalRef %s is not \"CATEGORY TYPE LOCATOR\"; skipped", quote(q, sizeof(q), v));
		return 0;
	}
	w[2] = s;
	l[2] = strlen(s);
	json_t *arr = json_object_get(o, "externalRefs"), *r = json_object();
	if (!arr && (json_object_set_new(o, "externalRefs", arr = json_array()) < 0 || !arr))
		return json_decref(r), oom();
	if (!r || json_object_set_new(r, "referenceCategory", json_stringn(w[0], l[0])) < 0 ||
	    json_object_set_new(r, "referenceType", json_stringn(w[1], l[1])) < 0 ||
	    json_object_set_new(r, "referenceLocator", json_stringn(w[2], l[2])) < 0)
		return json_decref(r), oom();
	return json_array_append_new(arr, r) < 0 ? oom() : 0;
}

/* val at the end of o's array key (made when absent) */
static int tv_append(json_t *o, const char *key, json_t *val)
{
	json_t *arr = json_object_get(o, key);
	if (!arr && (json_object_set_new(o, key, arr = json_array()) < 0 || !arr))
		return oom();
	return json_array_append(arr, val) < 0 ? oom() : 0;
}

static int tv_field(tv *t, const struct tv_tag *d, json_t *val)
{
	const char *v = json_string_value(val);
	json_t *o = d->section == S_DOC ? t->doc : t->open[d->section];

	if (d->kind == K_SPDXID) {
		tv_context(t, v, strlen(v));
		return json_object_set(t->elem, "SPDXID", val) < 0 ? oom() : 0;
	}
	if (d->kind == K_CREATOR || d->kind == K_CREATED) {
		json_t *ci = json_object_get(t->doc, "creationInfo");
		if (!ci && (json_object_set_new(t->doc, "creationInfo", ci = json_object()) < 0 || !ci))
			return oom();
		if (d->kind == K_CREATED)
			return json_object_set(ci, "created", val) < 0 ? oom() : 0;
		return tv_append(ci, "creators", val);
	}
	if (!o) {
		tv_warn(t, "%s outside of a section it belongs to; ignored", d->tag);
		return 0;
	}
	switch (d->kind) {
	case K_BOOL:
		return json_object_set_new(o, d->key, json_boolean(!strcasecmp(v, "true"))) < 0 ? oom() : 0;
	case K_CHECKSUM:
		return tv_checksum(t, o, d->tag, v);
	case K_EXTREF:
		return tv_extref(t, o, v);
	case K_REF:
		free(t->anns[t->nanns - 1].ref);
		return (t->anns[t->nanns - 1].ref = customs_strdup(v)) ? 0 : oom();
	case K_LIST:
		return tv_append(o, d->key, val);
	default:
		return json_object_set(o, d->key, val) < 0 ? oom() : 0;
	}
}

static int tv_pair(tv *t, const char *tag, const char *v, size_t n)
{
	json_t *val = tv_string(v, n);
	int handled, err;
	if (!val)
		return oom();
	err = tv_open(t, tag, val, v, n, &handled);
	for (size_t i = 0; !handled && err == 0 && i < sizeof(tv_tags) / sizeof(tv_tags[0]); i++)
		if (!strcmp(tag, tv_tags[i].tag)) {
			err = tv_field(t, &tv_tags[i], val);
			handled = 1;
		}
	json_decref(val);
	return err;
}

/* The value after "Tag:", from *pos: one line, or <text>...</text> over as
 * many lines as it takes.  *pos moves past the line the value ends on. */
static int tv_value(tv *t, const char *tag, const char *buf, size_t len, size_t *pos, const char *v, size_t vn,
		    const char **out, size_t *outlen)
{
	if (vn < 6 || memcmp(v, "<text>", 6)) {
		*out = v, *outlen = vn;
		return 0;
	}
	const char *s = v + 6, *end = buf + len, *close = NULL;
	for (const char *q = s; q < end && (q = memchr(q, '<', (size_t)(end - q))); q++)
		if ((size_t)(end - q) >= 7 && !memcmp(q, "</text>", 7)) {
			close = q;
			break;
		}
	if (!close)
		return customs__error(CUSTOMS_EFORMAT, "line %zu: %s: <text> is never closed by </text>", t->line, tag);
	for (const char *q = s; q < close && (q = memchr(q, '\n', (size_t)(close - q))); q++)
		t->line++;
	*out = s, *outlen = (size_t)(close - s);
	const char *eol = memchr(close, '\n', (size_t)(end - close));
	*pos = eol ? (size_t)(eol - buf) + 1 : len;
	return 0;
}

static int tv_parse(tv *t, const char *buf, size_t len)
{
	size_t pos = 0;
	int err;

	while (pos < len) {
		if (++t->line > TV_MAX_LINES)
			return customs__error(CUSTOMS_ELIMIT, "more than %u lines", TV_MAX_LINES);
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos = nl ? pos + n + 1 : len;
		if (n > TV_MAX_LINE && !(n > 6 && memmem(s, 64 < n ? 64 : n, "<text>", 6)))
			return customs__error(CUSTOMS_ELIMIT, "line %zu: longer than %u bytes", t->line, TV_MAX_LINE);
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		while (n && (*s == ' ' || *s == '\t'))
			s++, n--;
		if (!n || *s == '#')
			continue;
		const char *colon = memchr(s, ':', n);
		if (!colon || colon == s) {
			char q[200];
			tv_warn(t, "not a \"Tag: value\" line: %s; ignored", quote_head(q, sizeof(q), s, n));
			continue;
		}
		/* a tag is a word of printable ASCII; "<text>" runs on whatever the tag */
		char tag[64];
		size_t tn = (size_t)(colon - s), k = 0;
		while (tn && (s[tn - 1] == ' ' || s[tn - 1] == '\t'))
			tn--;
		for (; k < tn && k + 1 < sizeof(tag) && s[k] > ' ' && s[k] < 0x7f; k++)
			tag[k] = s[k];
		tag[k] = '\0';
		const char *v = colon + 1, *val = NULL;
		size_t vn = (size_t)(s + n - v), valn = 0;
		while (vn && (*v == ' ' || *v == '\t'))
			v++, vn--;
		if ((err = tv_value(t, tag, buf, len, &pos, v, vn, &val, &valn)) < 0)
			return err;
		if (k == tn && (err = tv_pair(t, tag, val, valn)) < 0)
			return err;
	}
	return 0;
}

/* Annotations to their elements, files to the packages they follow. */
static int tv_finish(tv *t)
{
	customs_strmap ids = {0};
	json_t *x;
	size_t k;
	int err = 0;

	json_array_foreach(t->pkgs, k, x)
		if (js(x, "SPDXID") && (err = customs_strmap_put(&ids, js(x, "SPDXID"), x)) < 0)
			goto done;
	json_array_foreach(t->files, k, x) {
		if (js(x, "SPDXID") && (err = customs_strmap_put(&ids, js(x, "SPDXID"), x)) < 0)
			goto done;
		json_t *pkg = t->file_pkg[k] ? json_array_get(t->pkgs, t->file_pkg[k] - 1) : NULL, *hf;
		if (!pkg || !js(x, "SPDXID"))
			continue;
		if (!(hf = json_object_get(pkg, "hasFiles")) &&
		    (json_object_set_new(pkg, "hasFiles", hf = json_array()) < 0 || !hf))
			goto nomem;
		if (json_array_append(hf, json_object_get(x, "SPDXID")) < 0)
			goto nomem;
	}
	if (js(t->doc, "SPDXID") && (err = customs_strmap_put(&ids, js(t->doc, "SPDXID"), t->doc)) < 0)
		goto done;
	for (k = 0; k < t->nanns; k++) {
		tv_ann *an = &t->anns[k];
		json_t *e = an->ref ? customs_strmap_get(&ids, an->ref, NULL) : an->elem, *arr;
		if (!e) {
			char q[200];
			t->line = an->line;
			t->ctx[0] = '\0';
			tv_warn(t, "an annotation of %s, which the document does not define; ignored",
				quote(q, sizeof(q), an->ref));
			continue;
		}
		if (!(arr = json_object_get(e, "annotations")) &&
		    (json_object_set_new(e, "annotations", arr = json_array()) < 0 || !arr))
			goto nomem;
		if (json_array_append(arr, an->j) < 0)
			goto nomem;
	}
	goto done;
nomem:
	err = oom();
done:
	customs_strmap_release(&ids);
	return err;
}

static void tv_release(tv *t)
{
	json_decref(t->doc);
	free(t->pkg_lines);
	free(t->file_pkg);
	for (size_t k = 0; k < t->nanns; k++) {
		json_decref(t->anns[k].j);
		free(t->anns[k].ref);
	}
	free(t->anns);
}

int customs__read_spdx_tv(customs_analysis *a, const char *buf, size_t len, int *names_sources)
{
	tv t;
	int err;

	*names_sources = 0;
	memset(&t, 0, sizeof(t));
	t.r.a = a;
	t.doc = json_object();
	if (!t.doc || json_object_set_new(t.doc, "packages", t.pkgs = json_array()) < 0 ||
	    json_object_set_new(t.doc, "files", t.files = json_array()) < 0 ||
	    json_object_set_new(t.doc, "relationships", t.rels = json_array()) < 0 ||
	    json_object_set_new(t.doc, "hasExtractedLicensingInfos", t.lics = json_array()) < 0) {
		tv_release(&t);
		return oom();
	}
	t.elem = t.doc;
	if ((err = tv_parse(&t, buf, len)) == 0 && (err = tv_finish(&t)) == 0) {
		if (!json_object_get(t.doc, "spdxVersion"))
			err = customs__error(CUSTOMS_EFORMAT, "not an SPDX tag-value document: no SPDXVersion line");
		else if ((err = read_json_lines(a, t.doc, t.pkg_lines, json_array_size(t.pkgs), t.r.nwarn)) == 0)
			*names_sources = customs__sbom_names_sources(t.doc);
	}
	tv_release(&t);
	return err;
}
