/* cyclonedx.c - an analysis (and a scan's matches) as CycloneDX 1.5, 1.6
 * or 1.7 JSON (1.6 by default; what customs writes is valid in all three,
 * only specVersion differs): the image as metadata.component, then the
 * operating system, every package and (with_files) every owned regular
 * file as components, the dependency graph, and each match as a
 * vulnerability with a VEX-style analysis when something suppressed it.
 *
 * Choices the specification leaves open:
 *  - licenses: a licence choice is either license entries or one
 *    expression, never both.  A package whose expression needs a
 *    LicenseRef- (a licence string that is not SPDX) therefore lists each
 *    of its licence strings as an entry: an SPDX id as id, the rest as
 *    name, so nothing is lost and no LicenseRef- without a text appears.
 *  - the facts CycloneDX has no field for travel as customs:* properties
 *    (doc.c), which the reader turns back into the same package.
 *  - dependencies: one entry per package (an empty dependsOn says "no
 *    dependencies"), and the image depending on every package that no other
 *    package depends on, so the graph has one root.
 *  - everything is in the doc's order; nothing depends on the clock except
 *    the timestamp, which the caller can fix (SOURCE_DATE_EPOCH).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "license/license.h"
#include "report/report.h"
#include "util/jsonw.h"

/* CycloneDX caps a version at 1024 characters */
#define CDX_MAX_VERSION 1024

typedef struct cdx {
	const sbom_doc *d;
	int minor;
	int oom; /* set by any failed allocation; checked once at the end */
} cdx;

/* ---- building JSON: every failure lands in c->oom ---- */

static json_t *jnew(cdx *c, json_t *j)
{
	if (!j)
		c->oom = 1;
	return j;
}

static json_t *str(cdx *c, const char *s)
{
	json_t *j = json_string(s);
	if (!j) {
		/* not UTF-8 (a file name from a layer): U+FFFD for the bad bytes */
		char *fixed = customs_utf8_strndup(s, strlen(s));
		j = fixed ? json_string(fixed) : NULL;
		free(fixed);
	}
	return jnew(c, j);
}

/* json_object_set_new / json_array_append_new take v even when they fail */
static void set(cdx *c, json_t *o, const char *key, json_t *v)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		c->oom = 1;
}

static void set_str(cdx *c, json_t *o, const char *key, const char *s)
{
	if (s && *s)
		set(c, o, key, str(c, s));
}

static void push(cdx *c, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v) < 0)
		c->oom = 1;
}

/* set key to arr when it holds anything; arrays are never written empty
 * unless the emptiness says something */
static void set_nonempty(cdx *c, json_t *o, const char *key, json_t *arr)
{
	if (arr && json_array_size(arr))
		set(c, o, key, arr);
	else
		json_decref(arr);
}

static const char *meta(const customs_package *p, const char *key)
{
	return p->metadata ? json_string_value(json_object_get(p->metadata, key)) : NULL;
}

static int is_type(const customs_package *p, const char *type)
{
	return p->type && !strcmp(p->type, type);
}

static json_t *sha256_hashes(cdx *c, const char *hex)
{
	json_t *arr = jnew(c, json_array()), *h = jnew(c, json_object());
	set_str(c, h, "alg", "SHA-256");
	set_str(c, h, "content", hex);
	push(c, arr, h);
	return arr;
}

/* ---- properties ---- */

struct propctx {
	cdx *c;
	json_t *arr;
};

static void add_prop(void *ud, const char *name, const char *value)
{
	struct propctx *x = ud;
	json_t *o = jnew(x->c, json_object());
	set_str(x->c, o, "name", name);
	set_str(x->c, o, "value", value);
	push(x->c, x->arr, o);
}

static void prop(cdx *c, json_t *arr, const char *name, const char *value)
{
	struct propctx x = {c, arr};
	if (value && *value)
		add_prop(&x, name, value);
}

/* ---- metadata ---- */

static json_t *image_component(cdx *c)
{
	const sbom_doc *d = c->d;
	const char *md = d->a->image.manifest_digest;
	json_t *o = jnew(c, json_object());
	struct propctx x = {c, jnew(c, json_array())};

	set_str(c, o, "type", "container");
	set_str(c, o, "bom-ref", d->image_id);
	set_str(c, o, "name", d->image_name ? d->image_name : "image");
	if (d->image_version && strlen(d->image_version) <= CDX_MAX_VERSION)
		set_str(c, o, "version", d->image_version);
	set_str(c, o, "purl", d->image_purl);
	if (md && customs_digest_valid(md))
		set(c, o, "hashes", sha256_hashes(c, md + 7));
	report__image_props(d, add_prop, &x);
	set_nonempty(c, o, "properties", x.arr);
	return o;
}

static json_t *metadata(cdx *c)
{
	json_t *m = jnew(c, json_object()), *tools = jnew(c, json_object()), *list = jnew(c, json_array()),
	       *me = jnew(c, json_object());

	set_str(c, m, "timestamp", c->d->created);
	/* 1.5 introduced the object form; the array of tools is deprecated */
	set_str(c, me, "type", "application");
	set_str(c, me, "name", "customs");
	set_str(c, me, "version", c->d->tool_version);
	push(c, list, me);
	set(c, tools, "components", list);
	set(c, m, "tools", tools);
	set(c, m, "component", image_component(c));
	return m;
}

/* ---- components ---- */

static json_t *os_component(cdx *c)
{
	const customs_distro *ds = &c->d->a->distro;
	json_t *o = jnew(c, json_object());
	set_str(c, o, "type", "operating-system");
	set_str(c, o, "bom-ref", c->d->os_id);
	set_str(c, o, "name", ds->id);
	if (ds->version_id && strlen(ds->version_id) <= CDX_MAX_VERSION)
		set_str(c, o, "version", ds->version_id);
	set_str(c, o, "description", ds->pretty_name);
	return o;
}

static json_t *license_entry(cdx *c, const char *key, const char *value)
{
	json_t *e = jnew(c, json_object()), *l = jnew(c, json_object());
	set_str(c, l, key, value);
	set(c, e, "license", l);
	return e;
}

/* one entry per licence string: its SPDX id when it is (or normalises to)
 * one, else the string as the licence's name */
static json_t *license_list(cdx *c, const customs_package *p)
{
	json_t *arr = jnew(c, json_array());
	customs_strlist seen = {0};
	for (size_t i = 0; i < p->licenses.n; i++) {
		const char *l = p->licenses.v[i], *canon = NULL;
		char *norm;
		if (!l || !*l)
			continue;
		norm = customs__spdx_normalize(l);
		if (!norm)
			customs_error_clear();
		if (!(norm && customs__spdx_license_id(norm, &canon)) && !customs__spdx_license_id(l, &canon))
			canon = NULL;
		const char *key = canon ? "id" : "name", *value = canon ? canon : l;
		if (!customs_strlist_contains(&seen, value)) {
			if (customs_strlist_add(&seen, value) < 0)
				c->oom = 1;
			push(c, arr, license_entry(c, key, value));
		}
		free(norm);
	}
	customs_strlist_release(&seen);
	return arr;
}

static json_t *licenses(cdx *c, const sbom_pkg *sp)
{
	const char *e = sp->license_expr, *canon = NULL;
	json_t *arr, *x;
	if (!e || !*e)
		return NULL;
	if (strstr(e, "LicenseRef-"))
		return license_list(c, sp->p);
	arr = jnew(c, json_array());
	if (customs__spdx_license_id(e, &canon)) {
		push(c, arr, license_entry(c, "id", canon));
	} else {
		x = jnew(c, json_object());
		set_str(c, x, "expression", e);
		push(c, arr, x);
	}
	return arr;
}

static void w_sha256(customs_jsonw *w, const unsigned char sha[32])
{
	char hex[65];
	customs_hex(hex, sha, 32);
	customs_jsonw_key(w, "hashes");
	customs_jsonw_begin_array(w);
	customs_jsonw_begin_object(w);
	customs_jsonw_kv_string(w, "alg", "SHA-256");
	customs_jsonw_kv_string(w, "content", hex);
	customs_jsonw_end_object(w);
	customs_jsonw_end_array(w);
}

/* properties written as they come, into an open "properties" array */
struct wprop {
	customs_jsonw *w;
	int any;
};

static void wprop_add(void *ud, const char *name, const char *value)
{
	struct wprop *x = ud;
	if (!x->any) {
		customs_jsonw_key(x->w, "properties");
		customs_jsonw_begin_array(x->w);
		x->any = 1;
	}
	customs_jsonw_begin_object(x->w);
	customs_jsonw_kv_string(x->w, "name", name);
	customs_jsonw_kv_string(x->w, "value", value);
	customs_jsonw_end_object(x->w);
}

/* A package's component, streamed: thousands of them per document. */
static void package_component(cdx *c, customs_jsonw *w, const sbom_pkg *sp)
{
	const customs_package *p = sp->p;
	int java = is_type(p, "java-archive");
	const char *name = java && meta(p, "artifact_id") ? meta(p, "artifact_id") : p->name;
	struct wprop x = {w, 0};
	json_t *lic = licenses(c, sp);

	customs_jsonw_begin_object(w);
	customs_jsonw_kv_string(w, "type", !strcmp(sp->purpose, "APPLICATION") ? "application" : "library");
	customs_jsonw_kv_string(w, "bom-ref", sp->id);
	if (java)
		customs_jsonw_kv_string_opt(w, "group", meta(p, "group_id"));
	customs_jsonw_kv_string(w, "name", name && *name ? name : "unnamed");
	if (p->version && strlen(p->version) <= CDX_MAX_VERSION)
		customs_jsonw_kv_string_opt(w, "version", p->version);
	if (lic && json_array_size(lic)) {
		customs_jsonw_key(w, "licenses");
		customs_jsonw_value(w, lic);
	}
	json_decref(lic);
	if (p->cpes.n)
		customs_jsonw_kv_string_opt(w, "cpe", p->cpes.v[0]);
	customs_jsonw_kv_string_opt(w, "purl", p->purl);
	/* the artifact itself is the package for these: its digest identifies it */
	if ((java || is_type(p, "go-module")) && p->db_path) {
		const customs_file *f = customs_analysis_lookup(c->d->a, p->db_path, 0);
		if (f && f->has_digest)
			w_sha256(w, f->sha256);
	}
	report__package_props(c->d, sp, wprop_add, &x);
	if (x.any)
		customs_jsonw_end_array(w);
	if (p->db_path && *p->db_path) {
		char *loc = customs_asprintf("/%s", p->db_path);
		if (!loc) {
			c->oom = 1;
		} else {
			customs_jsonw_key(w, "evidence");
			customs_jsonw_begin_object(w);
			customs_jsonw_key(w, "occurrences");
			customs_jsonw_begin_array(w);
			customs_jsonw_begin_object(w);
			customs_jsonw_kv_string(w, "location", loc);
			customs_jsonw_end_object(w);
			customs_jsonw_end_array(w);
			customs_jsonw_end_object(w);
		}
		free(loc);
	}
	customs_jsonw_end_object(w);
}

static int cmp_file(const void *x, const void *y)
{
	const customs_file *a = *(const customs_file *const *)x, *b = *(const customs_file *const *)y;
	return strcmp(a->path, b->path);
}

/* with_files: one file component per regular file a package owns, once */
static void file_components(cdx *c, customs_jsonw *w)
{
	const sbom_doc *d = c->d;
	customs_strmap seen = {0};
	const customs_file **v = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < d->npkgs && !c->oom; i++) {
		const customs_strlist *files = &d->pkgs[i].p->files;
		for (size_t k = 0; k < files->n && !c->oom; k++) {
			const customs_file *f = customs_analysis_lookup(d->a, files->v[k], 0);
			int found;
			if (!f || f->type != CUSTOMS_FILE_REG)
				continue;
			customs_strmap_get(&seen, f->path, &found);
			if (found)
				continue;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 256;
				const customs_file **nv = realloc(v, nc * sizeof(*nv));
				if (!nv) {
					c->oom = 1;
					break;
				}
				v = nv, cap = nc;
			}
			v[n++] = f;
			if (customs_strmap_put(&seen, f->path, NULL) < 0)
				c->oom = 1;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_file);
	for (size_t i = 0; i < n && !c->oom; i++) {
		const customs_file *f = v[i];
		unsigned char dg[32];
		unsigned int dl = 32;
		char h[17], ref[24];
		char *name = customs_asprintf("/%s", f->path);
		EVP_Digest(f->path, strlen(f->path), dg, &dl, EVP_sha256(), NULL);
		customs_hex(h, dg, 8);
		snprintf(ref, sizeof(ref), "file-%s", h);
		if (!name) {
			c->oom = 1;
			break;
		}
		customs_jsonw_begin_object(w);
		customs_jsonw_kv_string(w, "type", "file");
		customs_jsonw_kv_string(w, "bom-ref", ref);
		customs_jsonw_kv_string(w, "name", name);
		if (f->has_digest)
			w_sha256(w, f->sha256);
		customs_jsonw_end_object(w);
		free(name);
	}
	free(v);
	customs_strmap_release(&seen);
}

/* one element at a time: built, written, dropped */
static void put_elem(cdx *c, customs_jsonw *w, json_t *e)
{
	if (!e) {
		c->oom = 1;
		return;
	}
	customs_jsonw_value(w, e);
	json_decref(e);
}

static void components(cdx *c, customs_jsonw *w)
{
	customs_jsonw_key(w, "components");
	customs_jsonw_begin_array(w);
	if (c->d->os_id && c->d->a->distro.id)
		put_elem(c, w, os_component(c));
	for (size_t i = 0; i < c->d->npkgs && !c->oom; i++)
		package_component(c, w, &c->d->pkgs[i]);
	if (c->d->with_files)
		file_components(c, w);
	customs_jsonw_end_array(w);
}

/* ---- dependencies ---- */

static void dependencies(cdx *c, customs_jsonw *w)
{
	const sbom_doc *d = c->d;
	char *needed = d->npkgs ? calloc(d->npkgs, 1) : NULL;

	if (d->npkgs && !needed) {
		c->oom = 1;
		return;
	}
	for (size_t i = 0; i < d->npkgs; i++)
		for (size_t k = 0; k < d->pkgs[i].ndeps; k++)
			if (d->pkgs[i].deps[k] < d->npkgs)
				needed[d->pkgs[i].deps[k]] = 1;
	customs_jsonw_key(w, "dependencies");
	customs_jsonw_begin_array(w);
	/* the image depends on every package nothing else depends on */
	customs_jsonw_begin_object(w);
	customs_jsonw_kv_string(w, "ref", d->image_id);
	customs_jsonw_key(w, "dependsOn");
	customs_jsonw_begin_array(w);
	for (size_t i = 0; i < d->npkgs; i++)
		if (!needed[i])
			customs_jsonw_string(w, d->pkgs[i].id);
	customs_jsonw_end_array(w);
	customs_jsonw_end_object(w);
	for (size_t i = 0; i < d->npkgs; i++) {
		const sbom_pkg *sp = &d->pkgs[i];
		customs_jsonw_begin_object(w);
		customs_jsonw_kv_string(w, "ref", sp->id);
		customs_jsonw_key(w, "dependsOn");
		customs_jsonw_begin_array(w);
		for (size_t k = 0; k < sp->ndeps; k++)
			if (sp->deps[k] < d->npkgs && sp->deps[k] != i)
				customs_jsonw_string(w, d->pkgs[sp->deps[k]].id);
		customs_jsonw_end_array(w);
		customs_jsonw_end_object(w);
	}
	customs_jsonw_end_array(w);
	free(needed);
}

/* ---- vulnerabilities ---- */

/* where a vulnerability id is documented, when the id says it */
static const char *vuln_url(char *buf, size_t n, const char *id)
{
	if (!strncmp(id, "CVE-", 4))
		snprintf(buf, n, "https://nvd.nist.gov/vuln/detail/%s", id);
	else if (!strncmp(id, "GHSA-", 5))
		snprintf(buf, n, "https://github.com/advisories/%s", id);
	else
		return NULL;
	return buf;
}

static json_t *vuln_source(cdx *c, const char *name, const char *id)
{
	char url[512];
	json_t *s = jnew(c, json_object());
	set_str(c, s, "name", name);
	set_str(c, s, "url", id ? vuln_url(url, sizeof(url), id) : NULL);
	return s;
}

/* the feed of the record with this id, else the deciding one's */
static const char *source_of(const customs_match *m, const char *id)
{
	for (size_t i = 0; i < m->nrecords; i++)
		if (m->records[i].id && m->records[i].source && !strcmp(m->records[i].id, id))
			return m->records[i].source;
	return m->source ? m->source : m->nrecords ? m->records[0].source : NULL;
}

static const char *cdx_severity(customs_severity s)
{
	switch (s) {
	case CUSTOMS_SEVERITY_CRITICAL:
		return "critical";
	case CUSTOMS_SEVERITY_HIGH:
		return "high";
	case CUSTOMS_SEVERITY_MEDIUM:
		return "medium";
	case CUSTOMS_SEVERITY_LOW:
		return "low";
	case CUSTOMS_SEVERITY_NEGLIGIBLE:
		return "info";
	default:
		return "unknown";
	}
}

/* the scoring method from the vector's prefix, else from where the score came from */
static const char *cvss_method(const customs_match *m)
{
	const char *v = m->cvss_vector;
	if (v && !strncmp(v, "CVSS:3.1/", 9))
		return "CVSSv31";
	if (v && !strncmp(v, "CVSS:3.0/", 9))
		return "CVSSv3";
	if (v && !strncmp(v, "CVSS:4.0/", 9))
		return "CVSSv4";
	if (v && !strncmp(v, "AV:", 3))
		return "CVSSv2";
	if (m->severity_source && !strcmp(m->severity_source, "cvss-v4"))
		return "CVSSv4";
	return "CVSSv3";
}

/* The distro's own rating ("unimportant", "Moderate") as the justification
 * of its rating: CycloneDX has no field for the word. */
static json_t *distro_rating(cdx *c, const customs_match *m)
{
	const customs_match_cover *cv = m->covered_by;
	/* a Go stdlib decided by its deb's toolchain: the distro's namespace rates it */
	const char *by = cv && cv->via && !strcmp(cv->via, "built-using") ? cv->ns : m->source;
	json_t *r = jnew(c, json_object());
	char *why = customs_asprintf("the distro rates it %s", m->distro_severity);
	if (!why)
		c->oom = 1;
	set(c, r, "source", vuln_source(c, by, NULL));
	set_str(c, r, "severity", cdx_severity(customs_severity_from_distro(m->distro_severity)));
	set_str(c, r, "method", "other");
	set_str(c, r, "justification", why);
	free(why);
	return r;
}

/* One rating per source that rates the match, as Trivy writes them: the
 * distro's own, and the CVSS score with its own bucket; the one that
 * decided the match's severity first. */
static json_t *ratings(cdx *c, const customs_match *m)
{
	json_t *arr = jnew(c, json_array()), *r = NULL, *d = m->distro_severity ? distro_rating(c, m) : NULL;
	int distro_first = m->severity_source && !strcmp(m->severity_source, "distro");

	if (d && distro_first)
		push(c, arr, d);
	if (m->cvss_score >= 0) {
		r = jnew(c, json_object());
		set(c, r, "source", vuln_source(c, m->cvss_from ? m->cvss_from : m->source, NULL));
		set(c, r, "score", jnew(c, json_real(m->cvss_score)));
		set_str(c, r, "severity", cdx_severity(customs_severity_from_cvss(m->cvss_score)));
		set_str(c, r, "method", cvss_method(m));
		set_str(c, r, "vector", m->cvss_vector);
	} else if (!d) {
		/* the feed's label, no score */
		r = jnew(c, json_object());
		if (m->severity != CUSTOMS_SEVERITY_UNKNOWN && m->source)
			set(c, r, "source", vuln_source(c, m->source, NULL));
		set_str(c, r, "severity", cdx_severity(m->severity));
	}
	if (r)
		push(c, arr, r);
	if (d && !distro_first)
		push(c, arr, d);
	return arr;
}

/* OpenVEX justifications in CycloneDX's words */
static const char *vex_justification(const char *j)
{
	static const char *const map[][2] = {
		{"component_not_present", "code_not_present"},
		{"vulnerable_code_not_present", "code_not_present"},
		{"vulnerable_code_not_in_execute_path", "code_not_reachable"},
		{"vulnerable_code_cannot_be_controlled_by_adversary", "protected_by_mitigating_control"},
		{"inline_mitigations_already_exist", "protected_by_mitigating_control"},
	};
	for (size_t i = 0; j && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(j, map[i][0]))
			return map[i][1];
	return NULL;
}

/* what the owning distro package's feed says, as an impact analysis state */
static const char *cover_state(const customs_match_cover *cv)
{
	if (!cv->state)
		return "in_triage";
	if (!strcmp(cv->state, "fixed"))
		return "resolved";
	if (!strcmp(cv->state, "not-affected"))
		return "not_affected";
	if (!strcmp(cv->state, "affected"))
		return "exploitable";
	return "in_triage";
}

static char *cover_detail(const customs_match *m)
{
	const customs_match_cover *cv = m->covered_by;
	const char *pkg = cv->package ? cv->package : "?";
	if (m->suppressed == CUSTOMS_SUPPRESS_COVERED && m->suppressed_reason)
		return customs_strdup(m->suppressed_reason);
	return customs_asprintf("installed by the distro package %s %s: %s %s says %s%s%s%s", pkg,
				cv->version ? cv->version : "", cv->ns ? cv->ns : "?", cv->source ? cv->source : pkg,
				cv->state ? cv->state : "?", cv->vuln_id ? " (" : "", cv->vuln_id ? cv->vuln_id : "",
				cv->vuln_id ? ")" : "");
}

/* The impact analysis of a suppressed or covered match (NULL when the
 * match simply counts): VEX and feed markers say not affected or fixed,
 * the owning distro package's feed decides a covered one, and an ignore
 * rule or filter gives its reason without claiming a state. */
static json_t *analysis(cdx *c, const customs_match *m)
{
	const char *state = NULL, *just = NULL;
	char *detail = NULL;
	json_t *o;

	if (m->suppressed == CUSTOMS_SUPPRESS_VEX && m->vex_status) {
		if (!strcmp(m->vex_status, "fixed")) {
			state = "resolved";
		} else {
			state = "not_affected";
			just = vex_justification(m->vex_justification);
		}
		detail = customs_strdup(m->suppressed_reason);
	} else if (m->suppressed == CUSTOMS_SUPPRESS_NOT_AFFECTED) {
		state = "not_affected";
		just = "code_not_present";
		detail = customs_strdup(m->suppressed_reason);
	} else if (m->covered_by && (m->suppressed == CUSTOMS_SUPPRESS_COVERED || m->suppressed == CUSTOMS_SUPPRESS_NONE)) {
		state = cover_state(m->covered_by);
		if (!(detail = cover_detail(m)))
			c->oom = 1;
	} else if (m->suppressed != CUSTOMS_SUPPRESS_NONE) {
		detail = customs_strdup(m->suppressed_reason);
	} else if (m->vex_status && !strcmp(m->vex_status, "affected")) {
		state = "exploitable";
	} else if (m->vex_status && !strcmp(m->vex_status, "under_investigation")) {
		state = "in_triage";
	} else {
		return NULL;
	}
	o = jnew(c, json_object());
	set_str(c, o, "state", state);
	set_str(c, o, "justification", just);
	set_str(c, o, "detail", detail);
	free(detail);
	return o;
}

static json_t *affects(cdx *c, const customs_match *m, const sbom_pkg *sp, const char *state)
{
	json_t *arr = jnew(c, json_array()), *o = jnew(c, json_object());
	const char *v = m->version ? m->version : sp->p->version;
	/* what the analysis concluded for the installed version */
	int unaffected = state && (!strcmp(state, "not_affected") || !strcmp(state, "resolved"));
	set_str(c, o, "ref", sp->id);
	if (v && *v && strlen(v) <= CDX_MAX_VERSION) {
		json_t *vs = jnew(c, json_array()), *one = jnew(c, json_object());
		set_str(c, one, "version", v);
		set_str(c, one, "status", unaffected ? "unaffected" : "affected");
		push(c, vs, one);
		set(c, o, "versions", vs);
	}
	push(c, arr, o);
	return arr;
}

static json_t *vuln_properties(cdx *c, const customs_match *m)
{
	json_t *arr = jnew(c, json_array());
	char n[64];
	prop(c, arr, "customs:fix-state", customs_fix_state_name(m->fix_state));
	for (size_t i = 0; i < m->nfixed; i++)
		prop(c, arr, "customs:fixed-version", m->fixed[i]);
	if (m->epss >= 0) {
		snprintf(n, sizeof(n), "%.6g", m->epss);
		prop(c, arr, "customs:epss", n);
		if (m->epss_percentile >= 0) {
			snprintf(n, sizeof(n), "%.6g", m->epss_percentile);
			prop(c, arr, "customs:epss-percentile", n);
		}
	}
	if (m->kev)
		prop(c, arr, "customs:kev", "true");
	prop(c, arr, "customs:match-type", customs_match_kind_name(m->kind));
	prop(c, arr, "customs:distro-status", m->status);
	if (m->suppressed != CUSTOMS_SUPPRESS_NONE)
		prop(c, arr, "customs:suppressed-by", customs_suppress_kind_name(m->suppressed));
	return arr;
}

static json_t *vulnerability(cdx *c, const customs_match *m)
{
	const sbom_pkg *sp = report__match_pkg(c->d, m);
	const char *src = source_of(m, m->id);
	json_t *o, *refs, *an;
	char *ref;

	if (!sp || !m->id)
		return NULL;
	o = jnew(c, json_object());
	if (!(ref = customs_asprintf("vuln-%s-%s", m->id, sp->id)))
		c->oom = 1;
	set_str(c, o, "bom-ref", ref);
	free(ref);
	set_str(c, o, "id", m->id);
	set(c, o, "source", vuln_source(c, src, m->id));
	refs = jnew(c, json_array());
	for (size_t i = 0; i < m->nids; i++) {
		json_t *x;
		if (!m->ids[i] || !strcmp(m->ids[i], m->id))
			continue;
		x = jnew(c, json_object());
		set_str(c, x, "id", m->ids[i]);
		set(c, x, "source", vuln_source(c, source_of(m, m->ids[i]), m->ids[i]));
		push(c, refs, x);
	}
	set_nonempty(c, o, "references", refs);
	set(c, o, "ratings", ratings(c, m));
	set_str(c, o, "description", m->summary);
	if (m->nfixed && m->fixed[0]) {
		char *rec = customs_asprintf("Upgrade %s to %s", m->name ? m->name : sp->p->name, m->fixed[0]);
		if (!rec)
			c->oom = 1;
		set_str(c, o, "recommendation", rec);
		free(rec);
	}
	an = analysis(c, m);
	if (an)
		set(c, o, "analysis", an);
	set(c, o, "affects", affects(c, m, sp, an ? json_string_value(json_object_get(an, "state")) : NULL));
	set_nonempty(c, o, "properties", vuln_properties(c, m));
	return o;
}

static void vulnerabilities(cdx *c, customs_jsonw *w, const customs_match_result *r)
{
	customs_jsonw_key(w, "vulnerabilities");
	customs_jsonw_begin_array(w);
	for (size_t i = 0; i < r->n && !c->oom; i++) {
		json_t *v = vulnerability(c, &r->matches[i]);
		if (v)
			put_elem(c, w, v);
	}
	customs_jsonw_end_array(w);
}

/* ---- the document ---- */

static int write_cyclonedx(FILE *f, const sbom_doc *d, int minor)
{
	cdx c = {.d = d, .minor = minor};
	customs_jsonw *w = malloc(sizeof(*w));
	char buf[64];
	int err;

	if (!w)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	customs_jsonw_init(w, f, 2);
	customs_jsonw_begin_object(w);
	snprintf(buf, sizeof(buf), "http://cyclonedx.org/schema/bom-1.%d.schema.json", c.minor);
	customs_jsonw_kv_string(w, "$schema", buf);
	customs_jsonw_kv_string(w, "bomFormat", "CycloneDX");
	snprintf(buf, sizeof(buf), "1.%d", c.minor);
	customs_jsonw_kv_string(w, "specVersion", buf);
	snprintf(buf, sizeof(buf), "urn:uuid:%s", d->uuid);
	customs_jsonw_kv_string(w, "serialNumber", buf);
	customs_jsonw_kv_int(w, "version", 1);
	customs_jsonw_key(w, "metadata");
	put_elem(&c, w, metadata(&c));
	components(&c, w);
	dependencies(&c, w);
	if (d->matches)
		vulnerabilities(&c, w, d->matches);
	customs_jsonw_end_object(w);
	err = customs_jsonw_finish(w);
	free(w);
	if (c.oom)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return err;
}

int report__cyclonedx_17(FILE *f, const customs_report *r, const sbom_doc *d)
{
	return write_cyclonedx(f, d, 7);
}

int report__cyclonedx_16(FILE *f, const customs_report *r, const sbom_doc *d)
{
	return write_cyclonedx(f, d, 6);
}

int report__cyclonedx_15(FILE *f, const customs_report *r, const sbom_doc *d)
{
	return write_cyclonedx(f, d, 5);
}
