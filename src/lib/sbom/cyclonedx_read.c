/* cyclonedx_read.c - CycloneDX 1.4-1.7 JSON (1.2 and 1.3 with a warning)
 * into an analysis: every software component (nested ones too) is a
 * package, the operating-system component is the distro, properties are
 * read through customs__sbom_apply_prop() so customs', Syft's and Trivy's
 * own facts come back, and cyclonedx-npm's package path is kept.  What
 * 1.7 added (citations, patent and cryptography details, ...) says nothing
 * about installed packages and is not read.
 *
 * Two tools write components that are not installed packages: Trivy's
 * results (a component with an aquasecurity:trivy:Class property and no
 * purl groups what one of its analyzers found) and cdxgen's source
 * packages (tagged "source", naming their binary packages in
 * evidence.identity with confidence 0): the first are skipped, the second
 * give the source package of the binaries they name.
 *
 * The document is hostile input: nesting is read to CDX_MAX_DEPTH levels
 * and CDX_MAX_COMPONENTS components at most, a malformed component is a
 * warning naming it ("components[3].components[0] (\"ms\")") and the rest
 * is still read; only a document that is not CycloneDX at all, or of a
 * version we do not know, stops the reading.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sbom_int.h"

#define CDX_MAX_DEPTH 32
#define CDX_MAX_COMPONENTS 1000000
/* how much of a name or value goes into a message */
#define QUOTE_MAX 120

typedef struct rd {
	customs_analysis *a;
	customs_buf where; /* "components[3].components[0]": the element being read */
	size_t count;      /* components seen, every level */
	int stopped;       /* the count limit was hit */
	int os_seen;
	customs_strmap sources; /* cdxgen: binary package name → its source component (both borrowed) */
} rd;

static const char *sget(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* s for a message: printable, quotes and backslashes escaped, at most max
 * bytes of it (cut on a UTF-8 boundary) */
static void quote(char *dst, size_t dstsz, const char *s, size_t max)
{
	size_t j = 0, n = strlen(s), cut = n > max ? max : n;
	while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	for (size_t i = 0; i < cut && j + 8 < dstsz; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\')
			j += (size_t)snprintf(dst + j, dstsz - j, "\\x%02x", ch);
		else
			dst[j++] = (char)ch;
	}
	if (cut < n && j + 4 < dstsz)
		j += (size_t)snprintf(dst + j, dstsz - j, "...");
	dst[j] = '\0';
}

static void warn(rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(rd *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	customs__sbom_vwarn(r->a, 2048, fmt, ap);
	va_end(ap);
}

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* "components[3] (\"lodash\")" for messages about the current element */
static void element(char *out, size_t n, rd *r, const char *name)
{
	char q[QUOTE_MAX * 4 + 8];
	if (name && *name) {
		quote(q, sizeof(q), name, QUOTE_MAX);
		snprintf(out, n, "%s (\"%s\")", r->where.ptr, q);
	} else {
		snprintf(out, n, "%s", r->where.ptr);
	}
}

/* The value of the first property called name, or NULL. */
static const char *prop_value(json_t *c, const char *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(c, "properties"), i, e) {
		const char *n = sget(e, "name");
		if (n && !strcmp(n, name))
			return sget(e, "value");
	}
	return NULL;
}

/* ---- one package ---- */

static int add_unique(customs_strlist *l, const char *s)
{
	if (!s || !*s || customs_strlist_contains(l, s))
		return 0;
	return customs_strlist_add(l, s) < 0 ? nomem() : 0;
}

static int read_licenses(customs_package *p, json_t *arr)
{
	size_t i;
	json_t *e;
	int err = 0;
	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, e) {
		json_t *l = json_object_get(e, "license");
		const char *s = sget(e, "expression");
		if (json_is_object(l))
			s = sget(l, "id") ? sget(l, "id") : sget(l, "name");
		if ((err = add_unique(&p->licenses, s)) < 0)
			return err;
	}
	return 0;
}

static int set_meta(customs_package *p, const char *key, const char *value)
{
	json_t *v;
	if (!p->metadata && !(p->metadata = json_object()))
		return nomem();
	if (!(v = json_string(value)) || json_object_set_new(p->metadata, key, v) < 0)
		return nomem();
	return 0;
}

static int set_meta_true(customs_package *p, const char *key)
{
	if (!p->metadata && !(p->metadata = json_object()))
		return nomem();
	return json_object_set_new(p->metadata, key, json_true()) < 0 ? nomem() : 0;
}

static const char *meta(const customs_package *p, const char *key)
{
	return p->metadata ? json_string_value(json_object_get(p->metadata, key)) : NULL;
}

/* properties: ours and other tools' through apply_prop; *npm_path gets
 * cyclonedx-npm's "cdx:npm:package:path" */
static int read_props(rd *r, customs_package *p, json_t *arr, const char **npm_path)
{
	size_t i;
	json_t *e;
	if (arr && !json_is_array(arr))
		warn(r, "%s: \"properties\" is not an array: ignored", r->where.len ? r->where.ptr : "metadata.component");
	if (!json_is_array(arr))
		return 0;
	json_array_foreach(arr, i, e) {
		const char *name = sget(e, "name"), *value = sget(e, "value");
		int err;
		if (!name || !value)
			continue;
		if (npm_path && !strcmp(name, "cdx:npm:package:path")) {
			*npm_path = value;
			continue;
		}
		if ((err = customs__sbom_apply_prop(r->a, p, name, value)) < 0)
			return err;
	}
	return 0;
}

/* The package's name as customs names it: an npm scope ("@types") joins
 * the name, a Maven group is metadata; any other group is dropped (the
 * name is what the ecosystem looks packages up by). */
static int set_name(customs_package *p, const char *name, const char *group)
{
	char *n;
	if (group && *group && p->type && !strcmp(p->type, "npm") && !strchr(name, '/'))
		n = customs_asprintf("%s%s/%s", group[0] == '@' ? "" : "@", group, name);
	else
		n = customs_strdup(name);
	if (!n)
		return nomem();
	free(p->name);
	p->name = n;
	if (group && *group && p->type && !strcmp(p->type, "java-archive") && !meta(p, "group_id"))
		return set_meta(p, "group_id", group);
	return 0;
}

static int read_purl(rd *r, customs_package *p, const char *purl, const char *elem)
{
	int err = customs__sbom_package_from_purl(p, purl);
	if (err == CUSTOMS_ENOMEM)
		return err;
	if (err < 0) {
		const char *msg = customs_error_last();
		char q[QUOTE_MAX * 4 + 8];
		if (!strncmp(msg, "purl \"", 6)) {
			warn(r, "%s: invalid %s", elem, msg);
		} else {
			quote(q, sizeof(q), purl, QUOTE_MAX);
			warn(r, "%s: invalid purl \"%s\": %s", elem, q, msg);
		}
		customs_error_clear();
	}
	return 0;
}

static int read_package(rd *r, json_t *c)
{
	const char *type = sget(c, "type"), *name = sget(c, "name"), *version = sget(c, "version"),
		   *purl = sget(c, "purl"), *group = sget(c, "group"), *cpe = sget(c, "cpe"), *npm_path = NULL;
	char elem[1024];
	customs_package *p;
	json_t *ev;
	int err;

	element(elem, sizeof(elem), r, name);
	if ((!name || !*name) && (!purl || !*purl)) {
		warn(r, "%s: no \"name\" and no \"purl\": skipped", elem);
		return 0;
	}
	if (!(p = customs_package_new()))
		return nomem();
	if (version && *version && !(p->version = customs_strdup(version))) {
		err = nomem();
		goto fail;
	}
	if ((err = read_props(r, p, json_object_get(c, "properties"), &npm_path)) < 0)
		goto fail;
	if (purl && *purl && (err = read_purl(r, p, purl, elem)) < 0)
		goto fail;
	if (name && *name) {
		if ((err = set_name(p, name, group)) < 0)
			goto fail;
	} else if (!p->name) {
		/* the purl did not parse either */
		warn(r, "%s: no \"name\" and no usable purl: skipped", elem);
		customs_package_free(p);
		return 0;
	}
	if (cpe && *cpe && (err = add_unique(&p->cpes, cpe)) < 0)
		goto fail;
	if ((err = read_licenses(p, json_object_get(c, "licenses"))) < 0)
		goto fail;
	/* where it was found, unless a property said it already */
	ev = json_object_get(json_object_get(c, "evidence"), "occurrences");
	if (!p->db_path && json_is_array(ev)) {
		const char *loc = sget(json_array_get(ev, 0), "location");
		while (loc && *loc == '/')
			loc++;
		if (loc && *loc && !(p->db_path = customs_strdup(loc))) {
			err = nomem();
			goto fail;
		}
	}
	if (npm_path && *npm_path && !meta(p, "location") && (err = set_meta(p, "location", npm_path)) < 0)
		goto fail;
	/* the writer's inverse: a Go module that is an application is the binary's main module */
	if (p->type && !strcmp(p->type, "go-module") && type && !strcmp(type, "application") &&
	    (err = set_meta_true(p, "main_module")) < 0)
		goto fail;
	if (customs_analysis_add_package(r->a, p) < 0) {
		err = nomem();
		goto fail;
	}
	return 0;
fail:
	customs_package_free(p);
	return err;
}

/* ---- the component tree ---- */

/* what is software installed in the image, as opposed to files, data,
 * models, hardware or whole systems */
static int is_package_type(const char *type)
{
	static const char *const not_packages[] = {
		"file", "data", "machine-learning-model", "cryptographic-asset", "device", "platform", "container",
	};
	if (!type)
		return 1; /* required, but a component without one is most likely a library */
	for (size_t i = 0; i < sizeof(not_packages) / sizeof(not_packages[0]); i++)
		if (!strcmp(type, not_packages[i]))
			return 0;
	return 1;
}

/* ---- cdxgen's source packages ---- */

static int has_tag(json_t *c, const char *tag)
{
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(c, "tags"), i, t) if (json_is_string(t) && !strcmp(json_string_value(t), tag))
		return 1;
	return 0;
}

/* cdxgen adds, for each deb whose source package has another name, a
 * component of that source package (tagged "source", the deb's name in an
 * evidence.identity method "filename" of confidence 0), and merges those
 * of one source: remember it under each binary it names.  *only: it is no
 * installed package (cdxgen drops its properties; one merged with the
 * binary of the same name keeps Trivy's PkgID). */
static int note_source(rd *r, json_t *c, int *only)
{
	const char *purl = sget(c, "purl");
	json_t *ids, *id, *m;
	size_t i, k, named = 0;
	char elem[1024];

	*only = 0;
	if (!has_tag(c, "source") || !purl || strncmp(purl, "pkg:deb/", 8) || !sget(c, "name") || !sget(c, "version"))
		return 0;
	/* an array of identities since 1.6, one object in 1.5 */
	ids = json_object_get(json_object_get(c, "evidence"), "identity");
	for (i = 0; i < (json_is_array(ids) ? json_array_size(ids) : json_is_object(ids) ? 1 : 0); i++) {
		id = json_is_array(ids) ? json_array_get(ids, i) : ids;
		json_array_foreach(json_object_get(id, "methods"), k, m) {
			const char *t = sget(m, "technique"), *v = sget(m, "value");
			if (!t || !v || !*v || strcmp(t, "filename"))
				continue;
			named++;
			if (!customs_strmap_get(&r->sources, v, NULL) && customs_strmap_put(&r->sources, v, c) < 0)
				return nomem();
		}
	}
	*only = !prop_value(c, "aquasecurity:trivy:PkgID");
	if (*only && !named) {
		element(elem, sizeof(elem), r, sget(c, "name"));
		warn(r, "%s: a source package whose evidence.identity names no binary package: skipped", elem);
	}
	/* the binary of the source's own name is its own source */
	if (!*only && customs_strmap_put(&r->sources, sget(c, "name"), c) < 0)
		return nomem();
	return 0;
}

/* The debs without a source that a source component names get it. */
static int apply_sources(rd *r)
{
	int err;
	for (size_t i = 0; i < r->a->npackages; i++) {
		customs_package *p = r->a->packages[i];
		json_t *c = p->name && !p->source_name ? customs_strmap_get(&r->sources, p->name, NULL) : NULL;
		if (!c || !p->type || strcmp(p->type, "deb"))
			continue;
		if ((err = customs__sbom_replace(&p->source_name, sget(c, "name"))) < 0 ||
		    (err = customs__sbom_replace(&p->source_version, sget(c, "version"))) < 0)
			return err;
	}
	return 0;
}

static int read_list(rd *r, json_t *arr, int depth);

static int read_component(rd *r, json_t *c, int depth)
{
	const char *type, *name;
	char elem[1024];
	json_t *nested;
	int err;

	if (++r->count > CDX_MAX_COMPONENTS) {
		warn(r, "more than %d components: %s and the rest are not read", CDX_MAX_COMPONENTS, r->where.ptr);
		r->stopped = 1;
		return 0;
	}
	if (!json_is_object(c)) {
		warn(r, "%s: not an object: skipped", r->where.ptr);
		return 0;
	}
	type = sget(c, "type");
	name = sget(c, "name");
	if (type && !strcmp(type, "operating-system")) {
		element(elem, sizeof(elem), r, name);
		if (!name || !*name)
			warn(r, "%s: an operating-system without a name: skipped", elem);
		else if (r->os_seen++)
			warn(r, "%s: a second operating-system: only the first one is the image's distro", elem);
		else if ((err = customs__sbom_set_distro(r->a, name, sget(c, "version"), sget(c, "description"))) < 0)
			return err;
		/* Syft's os-release fields */
		else if ((err = read_props(r, NULL, json_object_get(c, "properties"), NULL)) < 0)
			return err;
	} else if (is_package_type(type) && !(prop_value(c, "aquasecurity:trivy:Class") && !sget(c, "purl"))) {
		int only_source;
		if ((err = note_source(r, c, &only_source)) < 0)
			return err;
		if (!only_source && (err = read_package(r, c)) < 0)
			return err;
	}
	nested = json_object_get(c, "components");
	if (!nested)
		return 0;
	element(elem, sizeof(elem), r, name);
	if (!json_is_array(nested)) {
		warn(r, "%s: \"components\" is not an array: skipped", elem);
		return 0;
	}
	if (depth + 1 >= CDX_MAX_DEPTH) {
		warn(r, "%s: components nested deeper than %d levels are not read", elem, CDX_MAX_DEPTH);
		return 0;
	}
	return read_list(r, nested, depth + 1);
}

static int read_list(rd *r, json_t *arr, int depth)
{
	size_t save = r->where.len, i;
	json_t *c;
	int err = 0;

	json_array_foreach(arr, i, c) {
		r->where.len = save;
		if (customs_buf_printf(&r->where, "%scomponents[%zu]", save ? "." : "", i) < 0)
			return nomem();
		if ((err = read_component(r, c, depth)) < 0 || r->stopped)
			break;
	}
	r->where.len = save;
	if (r->where.ptr)
		r->where.ptr[save] = '\0';
	return err;
}

/* ---- the document ---- */

/* 4 to 7 for the versions we read (2 and 3 with a warning), else an error */
static int spec_version(rd *r, json_t *doc)
{
	json_t *v = json_object_get(doc, "specVersion");
	const char *s = json_string_value(v);
	char q[64];
	if (!v)
		return customs__error(CUSTOMS_EFORMAT, "no \"specVersion\" (customs reads CycloneDX 1.2-1.7)");
	if (!s)
		return customs__error(CUSTOMS_EFORMAT,
				      "\"specVersion\" is not a string (customs reads CycloneDX 1.2-1.7)");
	if (strlen(s) == 3 && s[0] == '1' && s[1] == '.' && s[2] >= '2' && s[2] <= '7') {
		if (s[2] < '4')
			warn(r, "CycloneDX %s is older than 1.4: read as 1.4, fields it lacks are left empty", s);
		return s[2] - '0';
	}
	quote(q, sizeof(q), s, 20);
	return customs__error(CUSTOMS_EFORMAT, "unknown specVersion \"%s\" (customs reads CycloneDX 1.2-1.7)", q);
}

static int read_metadata(rd *r, json_t *doc)
{
	json_t *m = json_object_get(doc, "metadata"), *c;
	if (!m)
		return 0;
	if (!json_is_object(m)) {
		warn(r, "\"metadata\" is not an object: skipped");
		return 0;
	}
	c = json_object_get(m, "component");
	if (!c)
		return 0;
	if (!json_is_object(c)) {
		warn(r, "metadata.component is not an object: skipped");
		return 0;
	}
	/* what the document describes (an image, or cyclonedx-npm's project):
	 * not a package; its properties are the image's */
	return read_props(r, NULL, json_object_get(c, "properties"), NULL);
}

int customs__read_cyclonedx(customs_analysis *a, json_t *doc)
{
	rd r = {.a = a, .where = CUSTOMS_BUF_INIT(1 << 16)};
	json_t *fmt, *comps;
	char q[64];
	int err;

	if (!json_is_object(doc))
		return customs__error(CUSTOMS_EFORMAT, "not a CycloneDX document: the top level is not a JSON object");
	fmt = json_object_get(doc, "bomFormat");
	if (!fmt)
		return customs__error(CUSTOMS_EFORMAT, "no \"bomFormat\": a CycloneDX document says \"CycloneDX\"");
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "CycloneDX")) {
		quote(q, sizeof(q), json_is_string(fmt) ? json_string_value(fmt) : "(not a string)", 20);
		return customs__error(CUSTOMS_EFORMAT, "\"bomFormat\" is \"%s\", not \"CycloneDX\"", q);
	}
	if ((err = spec_version(&r, doc)) < 0)
		return err;
	comps = json_object_get(doc, "components");
	if (comps && !json_is_array(comps))
		return customs__error(CUSTOMS_EFORMAT, "\"components\" is not an array");
	if ((err = read_metadata(&r, doc)) < 0)
		return err;
	if (customs_buf_puts(&r.where, "") < 0)
		return nomem();
	if (comps)
		err = read_list(&r, comps, 0);
	if (err >= 0)
		err = apply_sources(&r);
	customs_buf_release(&r.where);
	customs_strmap_release(&r.sources);
	return err < 0 ? err : 0;
}
