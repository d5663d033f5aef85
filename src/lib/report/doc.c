/* doc.c - what every SBOM writer shares: the sbom_doc (stable ids,
 * owners, dependencies, license expressions, the image's name and purl,
 * the timestamp and an RFC 4122 version 5 UUID) and the customs:*
 * properties that carry what SPDX and CycloneDX have no field for. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "customs/customs.h"
#include "customs/purl.h"
#include "core/distro.h"
#include "license/license.h"
#include "report/report.h"
#include "sbom/vocab.h"

/* ---- small helpers ---- */

static const char *meta(const customs_package *p, const char *key)
{
	return p->metadata ? json_string_value(json_object_get(p->metadata, key)) : NULL;
}

static void sha256(unsigned char out[32], const void *data, size_t len)
{
	unsigned int n = 32;
	EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

/* hex of the first 8 bytes of sha256(buf) */
static void hex16(char out[17], const void *buf, size_t len)
{
	unsigned char d[32];
	sha256(d, buf, len);
	customs_hex(out, d, 8);
}

/* [A-Za-z0-9.-] only, at most max bytes */
static void sanitize(customs_buf *b, const char *s, size_t max)
{
	for (size_t i = 0; s && s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		char o = (isalnum(c) || c == '.' || c == '-') ? (char)c : '-';
		customs_buf_put(b, &o, 1);
	}
}

/* ---- the timestamp ---- */

static int doc_time(char out[32], long long created)
{
	time_t t;
	struct tm tm;
	if (created > 0) {
		t = (time_t)created;
	} else {
		const char *e = getenv("SOURCE_DATE_EPOCH");
		if (e && *e) {
			char *end;
			errno = 0;
			long long v = strtoll(e, &end, 10);
			if (errno || *end || v < 0 || v > 253402300799LL)
				return customs__error(CUSTOMS_EINVAL,
						      "SOURCE_DATE_EPOCH is \"%.40s\", not a number of seconds since 1970", e);
			t = (time_t)v;
		} else {
			t = time(NULL);
		}
	}
	if (!gmtime_r(&t, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return customs__error(CUSTOMS_EINVAL, "cannot format the time %lld", (long long)t);
	return 0;
}

/* pkg:oci/NAME@DIGEST?arch=..&repository_url=..&tag=.. (purl-spec's oci type) */
static char *image_purl(const customs_analysis *a, const char *name)
{
	const customs_image *im = &a->image;
	char repo[1024] = "", tag[256] = "", nm[512];
	const char *base, *colon;
	if (!im->manifest_digest || !customs_digest_valid(im->manifest_digest))
		return NULL;
	/* name: the repository's last path component, without the tag */
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	colon = strchr(base, ':');
	snprintf(nm, sizeof(nm), "%.*s", colon ? (int)(colon - base) : (int)strlen(base), base);
	if (colon)
		snprintf(tag, sizeof(tag), "%s", colon + 1);
	if (im->source_kind && !strcmp(im->source_kind, "registry")) {
		const char *r = name, *c = strrchr(name, ':');
		size_t n = c && c > strrchr(name, '/') ? (size_t)(c - r) : strlen(r);
		snprintf(repo, sizeof(repo), "%.*s", (int)n, r);
	}
	for (char *p = nm; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	const char *q[] = {"arch", im->architecture, "repository_url", repo[0] ? repo : NULL, "tag", tag[0] ? tag : NULL,
			   NULL};
	char *purl = customs_purl_make("oci", NULL, nm[0] ? nm : "image", im->manifest_digest, q, NULL);
	if (!purl)
		customs_error_clear();
	return purl;
}

/* ---- dependencies ---- */

struct depctx {
	sbom_doc *d;
	customs_strmap debs;     /* visible deb name → index + 1 */
	customs_strmap provides; /* provided name → index + 1 */
	customs_strmap pys;      /* normalised visible python name → index + 1 */
};

#define IDX(i) ((void *)(uintptr_t)((i) + 1))
#define UNIDX(v) ((size_t)(uintptr_t)(v)-1)

static int add_dep(sbom_pkg *sp, size_t to)
{
	for (size_t i = 0; i < sp->ndeps; i++)
		if (sp->deps[i] == to)
			return 0;
	size_t *n = realloc(sp->deps, (sp->ndeps + 1) * sizeof(*n));
	if (!n)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	sp->deps = n;
	sp->deps[sp->ndeps++] = to;
	return 0;
}

/* "libc6 (>= 2.34), libssl3 | libssl1.1, debconf (>= 0.5) | debconf-2.0" */
static int deb_deps(struct depctx *x, size_t i, const char *field)
{
	const char *s = field;
	while (s && *s) {
		const char *end = strchr(s, ','), *alt = s;
		size_t glen = end ? (size_t)(end - s) : strlen(s);
		int found = 0;
		while (alt < s + glen && !found) {
			const char *bar = memchr(alt, '|', (size_t)(s + glen - alt));
			const char *aend = bar ? bar : s + glen, *n = alt;
			while (n < aend && isspace((unsigned char)*n))
				n++;
			size_t nl = 0;
			while (n + nl < aend && !isspace((unsigned char)n[nl]) && n[nl] != '(' && n[nl] != ':' && n[nl] != '[')
				nl++;
			if (nl) {
				void *v = customs_strmap_getn(&x->debs, n, nl, NULL);
				if (!v)
					v = customs_strmap_getn(&x->provides, n, nl, NULL);
				if (v && UNIDX(v) != i) {
					if (add_dep(&x->d->pkgs[i], UNIDX(v)) < 0)
						return -1;
					found = 1;
				}
			}
			alt = bar ? bar + 1 : aend;
		}
		s = end ? end + 1 : NULL;
	}
	return 0;
}

/* PEP 503: lowercase, runs of -_. as one - */
static char *py_norm(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	size_t k = 0;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '-' || c == '_' || c == '.') {
			if (k && o[k - 1] == '-')
				continue;
			c = '-';
		}
		o[k++] = (char)tolower((unsigned char)c);
	}
	o[k] = '\0';
	return o;
}

static int python_deps(struct depctx *x, size_t i, json_t *req)
{
	size_t k;
	json_t *v;
	json_array_foreach(req, k, v) {
		const char *s = json_string_value(v), *semi;
		if (!s)
			continue;
		/* "PySocks!=1.5.7,>=1.5.6; extra == 'socks'": extras are optional */
		if ((semi = strchr(s, ';')) && strstr(semi, "extra"))
			continue;
		size_t n = 0;
		while (s[n] && (isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_' || s[n] == '.'))
			n++;
		char *nm = n ? py_norm(s, n) : NULL;
		void *t = nm ? customs_strmap_get(&x->pys, nm, NULL) : NULL;
		free(nm);
		if (t && UNIDX(t) != i && add_dep(&x->d->pkgs[i], UNIDX(t)) < 0)
			return -1;
	}
	return 0;
}

static int cmp_size(const void *x, const void *y)
{
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	return (a > b) - (a < b);
}

/* own a copy of key in keys and map it (the map borrows its keys) */
static int map_own(customs_strmap *m, customs_strlist *keys, const char *key, size_t len, size_t idx)
{
	if (customs_strmap_getn(m, key, len, NULL))
		return 0;
	if (customs_strlist_addn(keys, key, len) < 0)
		return -1;
	return customs_strmap_put(m, keys->v[keys->n - 1], IDX(idx));
}

static int build_deps(sbom_doc *d)
{
	const customs_analysis *a = d->a;
	struct depctx x = {.d = d};
	customs_strlist keys = {0};
	int err = 0;

	for (size_t i = 0; i < a->npackages && !err; i++) {
		const customs_package *p = a->packages[i];
		if (!p->visible || !p->type || !p->name)
			continue;
		if (!strcmp(p->type, "deb")) {
			if (map_own(&x.debs, &keys, p->name, strlen(p->name), i) < 0)
				err = -1;
			/* "Provides: mail-transport-agent, libfoo (= 1.2)" */
			for (const char *s = meta(p, "provides"); s && *s && !err;) {
				while (*s == ' ' || *s == ',')
					s++;
				size_t n = 0;
				while (s[n] && s[n] != ',' && s[n] != ' ' && s[n] != '(' && s[n] != ':')
					n++;
				if (n && map_own(&x.provides, &keys, s, n, i) < 0)
					err = -1;
				s = strchr(s + n, ',');
			}
		} else if (!strcmp(p->type, "python")) {
			char *k = py_norm(p->name, strlen(p->name));
			if (!k || map_own(&x.pys, &keys, k, strlen(k), i) < 0)
				err = -1;
			free(k);
		}
	}
	for (size_t i = 0; i < a->npackages && !err; i++) {
		const customs_package *p = a->packages[i];
		if (!p->type)
			continue;
		if (!strcmp(p->type, "deb")) {
			if (deb_deps(&x, i, meta(p, "pre_depends")) < 0 || deb_deps(&x, i, meta(p, "depends")) < 0)
				err = -1;
		} else if (!strcmp(p->type, "python") && p->metadata) {
			if (python_deps(&x, i, json_object_get(p->metadata, "requires_dist")) < 0)
				err = -1;
		}
		if (d->pkgs[i].ndeps > 1)
			qsort(d->pkgs[i].deps, d->pkgs[i].ndeps, sizeof(size_t), cmp_size);
	}
	customs_strmap_release(&x.debs);
	customs_strmap_release(&x.provides);
	customs_strmap_release(&x.pys);
	customs_strlist_release(&keys);
	return err < 0 ? customs__error(CUSTOMS_ENOMEM, "out of memory") : 0;
}

/* ---- licenses ---- */

static int add_license_ref(sbom_doc *d, const char *text, char **ref_out)
{
	char *ref;
	if (strlen(text) > 64) {
		/* a license text, not a name: a short ref with a hash */
		char h[17], *head = customs_strndup(text, 48);
		char *r = head ? customs__spdx_license_ref(head) : NULL;
		hex16(h, text, strlen(text));
		ref = r ? customs_asprintf("%s-%.8s", r, h) : NULL;
		free(head), free(r);
	} else {
		ref = customs__spdx_license_ref(text);
	}
	if (!ref)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < d->nlicense_refs; i++) {
		if (strcmp(d->license_refs[i], ref))
			continue;
		if (!strcmp(d->license_texts[i], text)) {
			*ref_out = ref;
			return 0;
		}
		/* two texts that sanitise alike: tell them apart by a hash */
		char h[17], *r2;
		hex16(h, text, strlen(text));
		r2 = customs_asprintf("%s-%.8s", ref, h);
		free(ref);
		if (!r2)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		ref = r2;
		for (size_t k = 0; k < d->nlicense_refs; k++)
			if (!strcmp(d->license_refs[k], ref)) {
				*ref_out = ref;
				return 0;
			}
		break;
	}
	char **r = realloc(d->license_refs, (d->nlicense_refs + 1) * sizeof(char *));
	char **t = r ? realloc(d->license_texts, (d->nlicense_refs + 1) * sizeof(char *)) : NULL;
	if (r)
		d->license_refs = r;
	if (t)
		d->license_texts = t;
	char *tx = customs_strdup(text);
	char *stored = customs_strdup(ref);
	if (!r || !t || !tx || !stored) {
		free(tx), free(stored), free(ref);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	d->license_refs[d->nlicense_refs] = stored;
	d->license_texts[d->nlicense_refs++] = tx;
	*ref_out = ref;
	return 0;
}

static int license_expr(sbom_doc *d, sbom_pkg *sp)
{
	const customs_package *p = sp->p;
	customs_buf b = CUSTOMS_BUF_INIT(0);
	customs_strlist seen = {0};
	for (size_t i = 0; i < p->licenses.n; i++) {
		const char *l = p->licenses.v[i];
		char *part;
		if (!l || !*l)
			continue;
		if (!(part = customs__spdx_normalize(l))) {
			customs_error_clear();
			if (add_license_ref(d, l, &part) < 0)
				goto oom;
		}
		if (customs_strlist_contains(&seen, part)) {
			free(part);
			continue;
		}
		if (customs_strlist_add(&seen, part) < 0) {
			free(part);
			goto oom;
		}
		free(part);
	}
	for (size_t i = 0; i < seen.n; i++) {
		const char *part = seen.v[i];
		int compound = strchr(part, ' ') != NULL && seen.n > 1;
		customs_buf_printf(&b, "%s%s%s%s", i ? " AND " : "", compound ? "(" : "", part, compound ? ")" : "");
	}
	customs_strlist_release(&seen);
	sp->license_expr = b.len ? customs_buf_detach(&b) : NULL;
	customs_buf_release(&b);
	return 0;
oom:
	customs_strlist_release(&seen);
	customs_buf_release(&b);
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

/* sort license_refs with their texts */
static void sort_refs(sbom_doc *d)
{
	for (size_t i = 1; i < d->nlicense_refs; i++)
		for (size_t k = i; k > 0 && strcmp(d->license_refs[k - 1], d->license_refs[k]) > 0; k--) {
			char *r = d->license_refs[k], *t = d->license_texts[k];
			d->license_refs[k] = d->license_refs[k - 1], d->license_texts[k] = d->license_texts[k - 1];
			d->license_refs[k - 1] = r, d->license_texts[k - 1] = t;
		}
}

/* ---- the doc ---- */

static char *package_id(const customs_package *p, customs_strmap *used, customs_strlist *keep)
{
	customs_buf key = CUSTOMS_BUF_INIT(0), b = CUSTOMS_BUF_INIT(0);
	char h[17], lay[24];
	snprintf(lay, sizeof(lay), "%d/%d", p->layer, p->visible);
	const char *parts[] = {p->type, p->name, p->version, p->arch, p->db_path, meta(p, "location"), p->purl, lay};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		customs_buf_puts(&key, parts[i] ? parts[i] : "");
		customs_buf_put(&key, "", 1);
	}
	hex16(h, key.ptr ? key.ptr : "", key.len);
	customs_buf_release(&key);
	sanitize(&b, p->type ? p->type : "package", 32);
	customs_buf_puts(&b, "-");
	sanitize(&b, p->name ? p->name : "unnamed", 96);
	customs_buf_printf(&b, "-%s", h);
	char *id = customs_buf_detach(&b);
	for (int n = 2; id && customs_strmap_get(used, id, NULL); n++) {
		char *again = customs_asprintf("%.200s-%d", id, n);
		if (!again || customs_strmap_get(used, again, NULL)) {
			free(id);
			id = again;
			continue;
		}
		free(id);
		id = again;
	}
	if (!id || customs_strlist_add(keep, id) < 0 || customs_strmap_put(used, keep->v[keep->n - 1], (void *)1) < 0) {
		free(id);
		return NULL;
	}
	return id;
}

static const char *purpose_of(const customs_package *p)
{
	if (p->type && !strcmp(p->type, "go-module") && p->metadata &&
	    json_is_true(json_object_get(p->metadata, "main_module")))
		return "APPLICATION";
	return "LIBRARY";
}

int report__doc_init(sbom_doc *d, const customs_analysis *a, const customs_match_result *matches, long long created)
{
	customs_strmap used = {0};
	customs_strlist keep = {0};
	long *owners = NULL;
	char h[17];
	int err;

	memset(d, 0, sizeof(*d));
	d->a = a;
	d->matches = matches;
	d->tool_version = customs_version();
	if ((err = doc_time(d->created, created)) < 0)
		return err;
	if (!(d->image_name = customs__sbom_image_name(a)))
		goto oom;
	d->image_version = customs_strdup(a->image.manifest_digest ? a->image.manifest_digest : a->image.config_digest);
	d->image_purl = image_purl(a, d->image_name);
	{
		customs_buf k = CUSTOMS_BUF_INIT(0);
		customs_buf_printf(&k, "%s%c%s", d->image_name, 0, d->image_version ? d->image_version : "");
		hex16(h, k.ptr ? k.ptr : "", k.len);
		customs_buf_release(&k);
		if (!(d->image_id = customs_asprintf("image-%s", h)))
			goto oom;
	}
	d->distro_ns = customs__distro_namespace(&a->distro);
	if (a->distro.id) {
		customs_buf b = CUSTOMS_BUF_INIT(0);
		customs_buf_puts(&b, "os-");
		sanitize(&b, a->distro.id, 64);
		if (a->distro.version_id) {
			customs_buf_puts(&b, "-");
			sanitize(&b, a->distro.version_id, 64);
		}
		if (!(d->os_id = customs_buf_detach(&b)))
			goto oom;
	}
	if (a->npackages && !(d->pkgs = calloc(a->npackages, sizeof(*d->pkgs))))
		goto oom;
	d->npkgs = a->npackages;
	if (customs_analysis_owners(a, &owners) < 0)
		goto fail;
	for (size_t i = 0; i < a->npackages; i++) {
		sbom_pkg *sp = &d->pkgs[i];
		sp->p = a->packages[i];
		sp->index = i;
		sp->owner = owners ? owners[i] : -1;
		sp->purpose = purpose_of(sp->p);
		if (!(sp->id = package_id(sp->p, &used, &keep)))
			goto oom;
		if (license_expr(d, sp) < 0)
			goto fail;
	}
	sort_refs(d);
	if (build_deps(d) < 0)
		goto fail;

	/* the UUID: from what the document says, so equal documents get equal ids */
	{
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		unsigned char dg[32];
		unsigned int n = 32;
		if (!md)
			goto oom;
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		EVP_DigestUpdate(md, d->created, strlen(d->created) + 1);
		EVP_DigestUpdate(md, d->image_name, strlen(d->image_name) + 1);
		if (d->image_version)
			EVP_DigestUpdate(md, d->image_version, strlen(d->image_version) + 1);
		for (size_t i = 0; i < d->npkgs; i++)
			EVP_DigestUpdate(md, d->pkgs[i].id, strlen(d->pkgs[i].id) + 1);
		EVP_DigestFinal_ex(md, dg, &n);
		EVP_MD_CTX_free(md);
		dg[6] = (unsigned char)((dg[6] & 0x0f) | 0x50); /* version 5: name-based (SHA) */
		dg[8] = (unsigned char)((dg[8] & 0x3f) | 0x80); /* RFC 4122 variant */
		char x[33];
		customs_hex(x, dg, 16);
		snprintf(d->uuid, sizeof(d->uuid), "%.8s-%.4s-%.4s-%.4s-%.12s", x, x + 8, x + 12, x + 16, x + 20);
	}
	free(owners);
	customs_strmap_release(&used);
	customs_strlist_release(&keep);
	return 0;
oom:
	customs__error(CUSTOMS_ENOMEM, "out of memory");
fail:
	free(owners);
	customs_strmap_release(&used);
	customs_strlist_release(&keep);
	report__doc_release(d);
	return CUSTOMS_ENOMEM;
}

void report__doc_release(sbom_doc *d)
{
	for (size_t i = 0; i < d->npkgs; i++) {
		free(d->pkgs[i].id);
		free(d->pkgs[i].deps);
		free(d->pkgs[i].license_expr);
	}
	free(d->pkgs);
	for (size_t i = 0; i < d->nlicense_refs; i++) {
		free(d->license_refs[i]);
		free(d->license_texts[i]);
	}
	free(d->license_refs);
	free(d->license_texts);
	free(d->image_name);
	free(d->image_version);
	free(d->image_purl);
	free(d->image_id);
	free(d->os_id);
	free(d->distro_ns);
	memset(d, 0, sizeof(*d));
}

/* ---- properties ---- */

static void prop(sbom_prop_fn fn, void *ud, const char *name, const char *value)
{
	if (value && *value)
		fn(ud, name, value);
}

/* "arch=VALUE" among the purl's qualifiers */
static int purl_has_qualifier(const char *purl, const char *key, const char *value)
{
	const char *q = purl ? strchr(purl, '?') : NULL;
	size_t kl = strlen(key), vl = strlen(value);
	while (q) {
		q++;
		if (!strncmp(q, key, kl) && q[kl] == '=' && !strncmp(q + kl + 1, value, vl) &&
		    (q[kl + 1 + vl] == '&' || q[kl + 1 + vl] == '#' || !q[kl + 1 + vl]))
			return 1;
		q = strchr(q, '&');
	}
	return 0;
}

/* Only what the standard fields and the reader's defaults do not already
 * say (customs__sbom_finish): an SBOM of thousands of packages stays small
 * and quick to write. */
void report__package_props(const sbom_doc *d, const sbom_pkg *sp, sbom_prop_fn fn, void *ud)
{
	const customs_package *p = sp->p;
	char n[32];
	const char *loc = meta(p, "location"), *by = meta(p, "installed_by"), *ns = meta(p, "distro_namespace");
	const char *ptype = customs__sbom_purl_type(p->purl);
	int deb = p->type && !strcmp(p->type, "deb");

	if (!ptype || !p->type || strcmp(ptype, p->type))
		prop(fn, ud, "customs:type", p->type);
	prop(fn, ud, "customs:found-by", p->found_by);
	prop(fn, ud, "customs:location", p->db_path);
	prop(fn, ud, "customs:path", loc);
	if (p->layer >= 0) {
		snprintf(n, sizeof(n), "%d", p->layer);
		prop(fn, ud, "customs:layer", n);
	}
	if (p->arch && !purl_has_qualifier(p->purl, "arch", p->arch))
		prop(fn, ud, "customs:arch", p->arch);
	/* a deb's source package defaults to itself (dpkg's rule); one read
	 * from a document that did not name it is unknown */
	if (p->source_name && (!deb || !p->name || strcmp(p->source_name, p->name)))
		prop(fn, ud, "customs:source-name", p->source_name);
	if (deb && !p->source_name)
		prop(fn, ud, "customs:source-unknown", "true");
	if (p->source_version && (!deb || !p->version || strcmp(p->source_version, p->version)))
		prop(fn, ud, "customs:source-version", p->source_version);
	if (by)
		prop(fn, ud, "customs:installed-by", by);
	else if (sp->owner >= 0 && (size_t)sp->owner < d->npkgs)
		prop(fn, ud, "customs:installed-by", d->pkgs[sp->owner].p->name);
	prop(fn, ud, "customs:npm:alias", meta(p, "alias"));
	if (ns && (!d->distro_ns || strcmp(ns, d->distro_ns)))
		prop(fn, ud, "customs:distro-namespace", ns);
	/* the matcher decides a Go binary's stdlib by its deb's Built-Using */
	prop(fn, ud, "customs:built-using", meta(p, "built_using"));
	if (!p->visible) {
		prop(fn, ud, "customs:visible", "false");
		if (p->removed_in_layer >= 0) {
			snprintf(n, sizeof(n), "%d", p->removed_in_layer);
			prop(fn, ud, "customs:removed-in-layer", n);
		}
	}
}

void report__image_props(const sbom_doc *d, sbom_prop_fn fn, void *ud)
{
	const customs_analysis *a = d->a;
	const customs_image *im = &a->image;
	char k[64], v[32];

	prop(fn, ud, "customs:image:name", d->image_name);
	if (im->source_kind && strcmp(im->source_kind, "sbom")) {
		prop(fn, ud, "customs:image:reference", im->reference);
		prop(fn, ud, "customs:image:source-kind", im->source_kind);
	}
	prop(fn, ud, "customs:image:manifest-digest", im->manifest_digest);
	prop(fn, ud, "customs:image:config-digest", im->config_digest);
	prop(fn, ud, "customs:image:created", im->created);
	prop(fn, ud, "customs:image:os", im->os);
	prop(fn, ud, "customs:image:architecture", im->architecture);
	prop(fn, ud, "customs:image:variant", im->variant);
	for (size_t i = 0; i < im->tags.n; i++)
		prop(fn, ud, "customs:image:tag", im->tags.v[i]);
	for (size_t i = 0; i < a->nlayers; i++) {
		const customs_layer *l = &a->layers[i];
		snprintf(k, sizeof(k), "customs:layer:%zu:digest", i);
		prop(fn, ud, k, l->digest);
		snprintf(k, sizeof(k), "customs:layer:%zu:diff-id", i);
		prop(fn, ud, k, l->diff_id);
		snprintf(k, sizeof(k), "customs:layer:%zu:media-type", i);
		prop(fn, ud, k, l->media_type);
		if (l->size > 0) {
			snprintf(k, sizeof(k), "customs:layer:%zu:size", i);
			snprintf(v, sizeof(v), "%lld", (long long)l->size);
			prop(fn, ud, k, v);
		}
		snprintf(k, sizeof(k), "customs:layer:%zu:created-by", i);
		prop(fn, ud, k, l->created_by);
	}
	prop(fn, ud, "customs:distro:id", a->distro.id);
	prop(fn, ud, "customs:distro:version-id", a->distro.version_id);
	prop(fn, ud, "customs:distro:codename", a->distro.version_codename);
	prop(fn, ud, "customs:distro:pretty-name", a->distro.pretty_name);
	prop(fn, ud, "customs:distro:id-like", a->distro.id_like);
	if (!a->complete)
		prop(fn, ud, "customs:complete", "false");
}
