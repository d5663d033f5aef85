/* spdx.c - SPDX 2.3 documents from an sbom_doc: JSON (as
 * spdx-schema-v2.3.json validates it) and tag-value (spec clause 5 "SPDX
 * document formats", tag:value).  Both are written by the same element
 * functions through a sink (a JSON stream or tag-value lines), so the two
 * forms always say the same thing and no tree of the document is built.
 *
 * Elements: the image (primaryPackagePurpose CONTAINER), the distro
 * (OPERATING_SYSTEM) when known, every package in doc order and, with
 * with_files, a File per regular file a package owns (clause 8).
 * Facts SPDX has no field for travel as annotations "customs:NAME=VALUE"
 * (clause 12), which spdx_read.c gives back to the package.
 *
 * In tag-value, free text goes in <text>...</text>, and the spec has no way
 * to escape "</text>" inside it: such a value is written with each
 * "</text>" spelled "&lt;/text&gt;" (the only change a value ever gets). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "license/license.h"
#include "report/report.h"
#include "util/jsonw.h"

enum { REL_DESCRIBES, REL_CONTAINS, REL_DEPENDS_ON };
static const char *const rel_names[] = {"DESCRIBES", "CONTAINS", "DEPENDS_ON"};

/* Element ordinals, the sort key of relationships: the document, the
 * image, the OS, then packages in doc order, then files. */
enum { ORD_DOC = 0, ORD_IMAGE = 1, ORD_OS = 2, ORD_PKG = 3 };

typedef struct spdx_file {
	const char *path;          /* owned file "/usr/bin/x", borrowed from the package */
	char id[32];               /* "SPDXRef-File-" + 16 hex of sha256(path) */
	const customs_file *f;
	const char *md5;           /* from the deb's md5sums, or NULL */
	size_t pkg;                /* the first package (doc order) owning it */
} spdx_file;

typedef struct spdx_rel {
	size_t a, b;               /* ordinals */
	int type;
} spdx_rel;

typedef struct spdx_model {
	const sbom_doc *d;
	char *annotator;           /* "Tool: customs-<version>" */
	char *image_ref, *os_ref;  /* SPDXIDs */
	char **pkg_refs;
	spdx_file *files;          /* by first owner, then path */
	size_t nfiles, capfiles;
	spdx_rel *rels;
	size_t nrels, caprels;
} spdx_model;

static json_t *jstr(const char *s)
{
	json_t *j = json_string(s);
	if (!j && s) {
		char *fixed = customs_utf8_repair(s);
		j = fixed ? json_string(fixed) : NULL;
		free(fixed);
	}
	return j;
}

/* Set o[k] to the string v when v is given; <0 only when out of memory. */
static int set_str(json_t *o, const char *k, const char *v)
{
	return v ? json_object_set_new(o, k, jstr(v)) : 0;
}

/* ---- the model: ids, files, relationships ------------------------------ */

static const char *elem_ref(const spdx_model *m, size_t ord)
{
	if (ord == ORD_DOC)
		return "SPDXRef-DOCUMENT";
	if (ord == ORD_IMAGE)
		return m->image_ref;
	if (ord == ORD_OS)
		return m->os_ref;
	if (ord - ORD_PKG < m->d->npkgs)
		return m->pkg_refs[ord - ORD_PKG];
	return m->files[ord - ORD_PKG - m->d->npkgs].id;
}

static int add_rel(spdx_model *m, size_t a, int type, size_t b)
{
	if (m->nrels == m->caprels) {
		size_t cap = m->caprels ? 2 * m->caprels : 64;
		spdx_rel *r = realloc(m->rels, cap * sizeof(*r));
		if (!r)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		m->rels = r;
		m->caprels = cap;
	}
	m->rels[m->nrels++] = (spdx_rel){a, b, type};
	return 0;
}

static int cmp_rel(const void *x, const void *y)
{
	const spdx_rel *a = x, *b = y;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->b != b->b)
		return a->b < b->b ? -1 : 1;
	return 0;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The MD5 of path from a deb's md5sums ({"/usr/bin/x": "<32 hex>"}). */
static const char *md5_of(const customs_package *p, const char *path)
{
	const char *v = json_string_value(json_object_get(json_object_get(p->metadata, "md5sums"), path));
	if (!v || strlen(v) != 32 || strspn(v, "0123456789abcdefABCDEF") != 32)
		return NULL;
	return v;
}

static int add_file(spdx_model *m, size_t pkg, const char *path, const customs_file *f, const char *md5)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[17];

	if (m->nfiles == m->capfiles) {
		size_t cap = m->capfiles ? 2 * m->capfiles : 64;
		spdx_file *v = realloc(m->files, cap * sizeof(*v));
		if (!v)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		m->files = v;
		m->capfiles = cap;
	}
	if (!EVP_Digest(path, strlen(path), md, &mdlen, EVP_sha256(), NULL) || mdlen < 8)
		return customs__error(CUSTOMS_EINTERNAL, "sha256 of a file name failed");
	customs_hex(hex, md, 8);
	spdx_file *sf = &m->files[m->nfiles++];
	*sf = (spdx_file){.path = path, .f = f, .md5 = md5, .pkg = pkg};
	snprintf(sf->id, sizeof(sf->id), "SPDXRef-File-%s", hex);
	return 0;
}

/* The regular files package i owns that have a checksum (SPDX requires
 * one), each once: a file two packages own is one File, CONTAINed twice.
 * Relationships point at files by ordinal, fixed up once all are known. */
static int collect_files_of(spdx_model *m, customs_strmap *seen, size_t i, spdx_rel **pending, size_t *npending)
{
	const customs_package *p = m->d->pkgs[i].p;
	const customs_analysis *a = m->d->a;
	int err = 0;

	if (!p->files.n)
		return 0;
	const char **paths = malloc(p->files.n * sizeof(*paths));
	if (!paths)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	memcpy(paths, p->files.v, p->files.n * sizeof(*paths));
	qsort(paths, p->files.n, sizeof(*paths), cmp_str);
	for (size_t k = 0; k < p->files.n && !err; k++) {
		const char *path = paths[k];
		if (k && !strcmp(path, paths[k - 1]))
			continue;
		const customs_file *f = customs_analysis_lookup(a, path + strspn(path, "/"), 0);
		if (!f || f->type != CUSTOMS_FILE_REG)
			continue;
		const char *md5 = md5_of(p, path);
		if (!f->has_digest && !md5)
			continue;
		int found = 0;
		uintptr_t idx = (uintptr_t)customs_strmap_get(seen, path, &found);
		if (!found) {
			idx = m->nfiles;
			if ((err = add_file(m, i, path, f, md5)) < 0 ||
			    (err = customs_strmap_put(seen, path, (void *)idx)) < 0)
				break;
		}
		spdx_rel *r = realloc(*pending, (*npending + 1) * sizeof(*r));
		if (!r) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		*pending = r;
		r[(*npending)++] = (spdx_rel){ORD_PKG + i, idx, REL_CONTAINS};
	}
	free(paths);
	return err;
}

static int collect_files(spdx_model *m)
{
	customs_strmap seen = {0};
	spdx_rel *pending = NULL;
	size_t npending = 0;
	int err = 0;

	for (size_t i = 0; i < m->d->npkgs && !err; i++)
		err = collect_files_of(m, &seen, i, &pending, &npending);
	for (size_t k = 0; k < npending && !err; k++)
		err = add_rel(m, pending[k].a, REL_CONTAINS, ORD_PKG + m->d->npkgs + pending[k].b);
	free(pending);
	customs_strmap_release(&seen);
	return err;
}

static int collect_rels(spdx_model *m)
{
	const sbom_doc *d = m->d;
	int err = add_rel(m, ORD_DOC, REL_DESCRIBES, ORD_IMAGE);

	if (!err && d->os_id)
		err = add_rel(m, ORD_IMAGE, REL_CONTAINS, ORD_OS);
	for (size_t i = 0; i < d->npkgs && !err; i++) {
		const sbom_pkg *sp = &d->pkgs[i];
		err = add_rel(m, ORD_IMAGE, REL_CONTAINS, ORD_PKG + i);
		if (!err && sp->owner >= 0 && (size_t)sp->owner < d->npkgs && (size_t)sp->owner != i)
			err = add_rel(m, ORD_PKG + (size_t)sp->owner, REL_CONTAINS, ORD_PKG + i);
		for (size_t k = 0; k < sp->ndeps && !err; k++)
			if (sp->deps[k] < d->npkgs && sp->deps[k] != i)
				err = add_rel(m, ORD_PKG + i, REL_DEPENDS_ON, ORD_PKG + sp->deps[k]);
	}
	if (!err && d->with_files)
		err = collect_files(m);
	if (err)
		return err;
	qsort(m->rels, m->nrels, sizeof(*m->rels), cmp_rel);
	size_t w = 0;
	for (size_t k = 0; k < m->nrels; k++)
		if (!w || cmp_rel(&m->rels[w - 1], &m->rels[k]))
			m->rels[w++] = m->rels[k];
	m->nrels = w;
	return 0;
}

static void model_release(spdx_model *m)
{
	free(m->annotator);
	free(m->image_ref);
	free(m->os_ref);
	for (size_t i = 0; m->pkg_refs && i < m->d->npkgs; i++)
		free(m->pkg_refs[i]);
	free(m->pkg_refs);
	free(m->files);
	free(m->rels);
}

static int model_init(spdx_model *m, const sbom_doc *d)
{
	memset(m, 0, sizeof(*m));
	m->d = d;
	m->annotator = customs_asprintf("Tool: customs-%s", d->tool_version ? d->tool_version : "unknown");
	m->image_ref = customs_asprintf("SPDXRef-%s", d->image_id ? d->image_id : "image");
	m->os_ref = d->os_id ? customs_asprintf("SPDXRef-%s", d->os_id) : NULL;
	m->pkg_refs = calloc(d->npkgs ? d->npkgs : 1, sizeof(*m->pkg_refs));
	int bad = !m->annotator || !m->image_ref || (d->os_id && !m->os_ref) || !m->pkg_refs;
	for (size_t i = 0; !bad && i < d->npkgs; i++)
		bad = !(m->pkg_refs[i] = customs_asprintf("SPDXRef-Package-%s", d->pkgs[i].id));
	if (bad)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return collect_rels(m);
}

/* ---- helpers ------------------------------------------------------------ */

/* A blank-free token without spaces or controls (an ExternalRef locator is
 * one word in tag-value). */
static int is_word(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/* A supplier in the spec's agent form (clause 7.5): "Person: NAME (EMAIL)"
 * or "Organization: NAME", from "NAME <EMAIL>" or "NAME".  NULL when the
 * text does not fit that form (parentheses or angle brackets in the name,
 * several addresses, control characters). */
static char *supplier_of(const char *who, const char *kind)
{
	const char *lt = strchr(who, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t nlen = lt ? (size_t)(lt - who) : strlen(who);

	for (const char *s = who; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f || *s == '(' || *s == ')')
			return NULL;
	while (nlen && who[nlen - 1] == ' ')
		nlen--;
	while (nlen && *who == ' ')
		who++, nlen--;
	if (!nlen || memchr(who, '>', nlen) || memchr(who, '<', nlen))
		return NULL;
	if (!lt)
		return customs_asprintf("%s: %.*s", kind, (int)nlen, who);
	size_t elen = (size_t)(gt ? gt - lt - 1 : 0);
	if (!gt || !elen || gt[1 + strspn(gt + 1, " ")] != '\0' || memchr(lt + 1, ' ', elen) ||
	    memchr(lt + 1, '<', elen))
		return NULL;
	return customs_asprintf("%s: %.*s (%.*s)", kind, (int)nlen, who, (int)elen, lt + 1);
}

static char *source_info(const customs_package *p)
{
	if (p->found_by && p->db_path)
		return customs_asprintf("acquired package info from %s at /%s", p->found_by, p->db_path);
	if (p->db_path)
		return customs_asprintf("acquired package info from /%s", p->db_path);
	if (p->found_by)
		return customs_asprintf("acquired package info from %s", p->found_by);
	return NULL;
}

/* The name of an extracted license: its text when that is one short line,
 * else the reference without "LicenseRef-". */
static const char *license_name(const char *ref, const char *text)
{
	if (text && *text && strlen(text) <= 120 && !strpbrk(text, "\r\n"))
		return text;
	return customs_str_has_prefix(ref, "LicenseRef-") ? ref + strlen("LicenseRef-") : ref;
}

static json_t *extracted_json(const sbom_doc *d)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < d->nlicense_refs; i++) {
		const char *ref = d->license_refs[i];
		const char *text = d->license_texts && d->license_texts[i] && *d->license_texts[i] ?
					   d->license_texts[i] : "NOASSERTION";
		json_t *o = json_object();
		if (!o || set_str(o, "licenseId", ref) < 0 || set_str(o, "extractedText", text) < 0 ||
		    set_str(o, "name", license_name(ref, text)) < 0) {
			json_decref(o);
			o = NULL;
		}
		if (json_array_append_new(arr, o) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

/* "debian-rich:latest" → "debian-rich-latest": a URI path segment. */
static char *namespace_of(const sbom_doc *d)
{
	const char *name = d->image_name ? d->image_name : "image";
	char *s = customs_asprintf("https://spdx.org/spdxdocs/customs/%s-%s", name, d->uuid);
	if (!s)
		return NULL;
	for (char *q = s + strlen("https://spdx.org/spdxdocs/customs/"), *e = q + strlen(name); q < e; q++)
		if (!((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '.' ||
		      *q == '-'))
			*q = '-';
	return s;
}

/* v between <text> and </text>, with "</text>" spelled "&lt;/text&gt;". */
static void tv_text(FILE *f, const char *tag, const char *v)
{
	char *fixed = customs_utf8_repair(v);
	const char *s = fixed ? fixed : v, *hit;

	fprintf(f, "%s: <text>", tag);
	while ((hit = strstr(s, "</text>")) != NULL) {
		fwrite(s, 1, (size_t)(hit - s), f);
		fputs("&lt;/text&gt;", f);
		s = hit + strlen("</text>");
	}
	fprintf(f, "%s</text>\n", s);
	free(fixed);
}

/* "Tag: value" on one line when the value survives that (no line break,
 * no surrounding blanks the reader would trim, no leading "<text>"), else
 * in <text>. */
static void tv_line(FILE *f, const char *tag, const char *v)
{
	size_t n = strlen(v);
	if (!n || strpbrk(v, "\r\n") || v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t' ||
	    customs_str_has_prefix(v, "<text>")) {
		tv_text(f, tag, v);
		return;
	}
	char *fixed = customs_utf8_repair(v);
	fputs(tag, f);
	fputs(": ", f);
	fputs(fixed ? fixed : v, f);
	fputc('\n', f);
	free(fixed);
}

static void tv_key(FILE *f, const char *tag, json_t *o, const char *key, int text)
{
	const char *v = json_string_value(json_object_get(o, key));
	if (v)
		(text ? tv_text : tv_line)(f, tag, v);
}

/* A comment line naming a section; controls in the name become blanks. */
static void tv_comment(FILE *f, const char *what, const char *name)
{
	fprintf(f, "\n##### %s", what);
	if (name) {
		fputs(": ", f);
		for (const char *s = name; *s; s++)
			fputc((unsigned char)*s < ' ' || *s == 0x7f ? ' ' : *s, f);
	}
	fputs("\n\n", f);
}

/* ---- one element writer, two spellings --------------------------------- */

/* Every element is written once through a sink: straight into the JSON
 * stream, or as tag-value lines.  Nothing of the document is built in
 * memory, and the two forms cannot say different things. */
enum {
	F_NAME, F_SPDXID, F_VERSION, F_SUPPLIER, F_DOWNLOAD, F_SOURCEINFO, F_LIC_CONCLUDED, F_LIC_DECLARED,
	F_COPYRIGHT, F_DESCRIPTION, F_PURPOSE, F_FILENAME,
};
static const struct {
	const char *json, *tv;
	int text;             /* tag-value: always in <text> */
} fields[] = {
	[F_NAME] = {"name", "PackageName", 0},
	[F_SPDXID] = {"SPDXID", "SPDXID", 0},
	[F_VERSION] = {"versionInfo", "PackageVersion", 0},
	[F_SUPPLIER] = {"supplier", "PackageSupplier", 0},
	[F_DOWNLOAD] = {"downloadLocation", "PackageDownloadLocation", 0},
	[F_SOURCEINFO] = {"sourceInfo", "PackageSourceInfo", 1},
	[F_LIC_CONCLUDED] = {"licenseConcluded", "PackageLicenseConcluded", 0},
	[F_LIC_DECLARED] = {"licenseDeclared", "PackageLicenseDeclared", 0},
	[F_COPYRIGHT] = {"copyrightText", "PackageCopyrightText", 0},
	[F_DESCRIPTION] = {"description", "PackageDescription", 1},
	[F_PURPOSE] = {"primaryPackagePurpose", "PrimaryPackagePurpose", 0},
	[F_FILENAME] = {"fileName", "FileName", 0},
};
enum { ARR_NONE, ARR_CHECKSUMS, ARR_REFS, ARR_ANNOTATIONS };

typedef struct sink {
	const spdx_model *m;
	customs_jsonw *w;      /* JSON, or ... */
	FILE *f;               /* ... tag-value */
	int arr;               /* JSON: the array open in the element */
	int file;              /* the element is a File */
	const char *ref;       /* its SPDXID */
	int oom;
} sink;

static void s_close_arr(sink *s)
{
	if (s->w && s->arr != ARR_NONE)
		customs_jsonw_end_array(s->w);
	s->arr = ARR_NONE;
}

static void s_open_arr(sink *s, int arr, const char *key)
{
	if (s->arr == arr)
		return;
	s_close_arr(s);
	customs_jsonw_key(s->w, key);
	customs_jsonw_begin_array(s->w);
	s->arr = arr;
}

static void s_begin(sink *s, int file, const char *name, const char *ref)
{
	s->arr = ARR_NONE;
	s->file = file;
	s->ref = ref;
	if (s->w)
		customs_jsonw_begin_object(s->w);
	else if (file)
		fputc('\n', s->f);
	else
		tv_comment(s->f, "Package", name);
}

static void s_end(sink *s)
{
	if (s->w) {
		s_close_arr(s);
		customs_jsonw_end_object(s->w);
	}
}

static void s_str(sink *s, int field, const char *v)
{
	if (!v)
		return;
	if (s->w) {
		s_close_arr(s);
		customs_jsonw_kv_string(s->w, fields[field].json, v);
	} else {
		(fields[field].text ? tv_text : tv_line)(s->f, fields[field].tv, v);
	}
}

static void s_files_analyzed(sink *s)
{
	if (s->w) {
		s_close_arr(s);
		customs_jsonw_kv_bool(s->w, "filesAnalyzed", 0);
	} else {
		fputs("FilesAnalyzed: false\n", s->f);
	}
}

static void s_checksum(sink *s, const char *alg, const char *value)
{
	if (!s->w) {
		fprintf(s->f, "%s: %s: %s\n", s->file ? "FileChecksum" : "PackageChecksum", alg, value);
		return;
	}
	s_open_arr(s, ARR_CHECKSUMS, "checksums");
	customs_jsonw_begin_object(s->w);
	customs_jsonw_kv_string(s->w, "algorithm", alg);
	customs_jsonw_kv_string(s->w, "checksumValue", value);
	customs_jsonw_end_object(s->w);
}

static void s_ref(sink *s, const char *category, const char *type, const char *locator)
{
	if (!is_word(locator))
		return;
	if (!s->w) {
		fprintf(s->f, "ExternalRef: %s %s %s\n", category, type, locator);
		return;
	}
	s_open_arr(s, ARR_REFS, "externalRefs");
	customs_jsonw_begin_object(s->w);
	customs_jsonw_kv_string(s->w, "referenceCategory", category);
	customs_jsonw_kv_string(s->w, "referenceType", type);
	customs_jsonw_kv_string(s->w, "referenceLocator", locator);
	customs_jsonw_end_object(s->w);
}

/* a customs:NAME=VALUE annotation of the current element (an sbom_prop_fn) */
static void s_annotation(void *ud, const char *name, const char *value)
{
	sink *s = ud;
	char buf[512], *heap = NULL;
	const char *comment = buf;
	if ((size_t)snprintf(buf, sizeof(buf), "%s=%s", name, value) >= sizeof(buf)) {
		if (!(heap = customs_asprintf("%s=%s", name, value))) {
			s->oom = 1;
			return;
		}
		comment = heap;
	}
	if (s->w) {
		s_open_arr(s, ARR_ANNOTATIONS, "annotations");
		customs_jsonw_begin_object(s->w);
		customs_jsonw_kv_string(s->w, "annotationDate", s->m->d->created);
		customs_jsonw_kv_string(s->w, "annotationType", "OTHER");
		customs_jsonw_kv_string(s->w, "annotator", s->m->annotator);
		customs_jsonw_kv_string(s->w, "comment", comment);
		customs_jsonw_end_object(s->w);
	} else {
		fputc('\n', s->f);
		tv_line(s->f, "Annotator", s->m->annotator);
		tv_line(s->f, "AnnotationDate", s->m->d->created);
		fputs("AnnotationType: OTHER\n", s->f);
		tv_line(s->f, "SPDXREF", s->ref);
		tv_text(s->f, "AnnotationComment", comment);
	}
	free(heap);
}

/* ---- the elements ------------------------------------------------------- */

static void emit_supplier(sink *s, const customs_package *p)
{
	const char *type = p->type ? p->type : "", *who = NULL, *kind = "Person";
	if (!strcmp(type, "deb") || !strcmp(type, "apk")) {
		who = json_string_value(json_object_get(p->metadata, "maintainer"));
	} else if (!strcmp(type, "rpm")) {
		who = json_string_value(json_object_get(p->metadata, "vendor"));
		kind = "Organization";
	}
	if (!who)
		return;
	char *v = supplier_of(who, kind);
	s_str(s, F_SUPPLIER, v);
	free(v);
}

static void emit_package(sink *s, size_t i)
{
	const spdx_model *m = s->m;
	const sbom_pkg *sp = &m->d->pkgs[i];
	const customs_package *p = sp->p;
	char *src = source_info(p);

	if ((p->found_by || p->db_path) && !src)
		s->oom = 1;
	s_begin(s, 0, p->name ? p->name : "unnamed", m->pkg_refs[i]);
	s_str(s, F_NAME, p->name ? p->name : "unnamed");
	s_str(s, F_SPDXID, m->pkg_refs[i]);
	s_str(s, F_VERSION, p->version);
	emit_supplier(s, p);
	s_str(s, F_DOWNLOAD, "NOASSERTION");
	s_files_analyzed(s);
	s_str(s, F_SOURCEINFO, src);
	s_str(s, F_LIC_CONCLUDED, "NOASSERTION");
	s_str(s, F_LIC_DECLARED, sp->license_expr ? sp->license_expr : "NOASSERTION");
	s_str(s, F_COPYRIGHT, "NOASSERTION");
	if (p->purl)
		s_ref(s, "PACKAGE-MANAGER", "purl", p->purl);
	for (size_t k = 0; k < p->cpes.n; k++) {
		const char *cpe = p->cpes.v[k];
		if (customs_str_has_prefix(cpe, "cpe:2.3:"))
			s_ref(s, "SECURITY", "cpe23Type", cpe);
		else if (customs_str_has_prefix(cpe, "cpe:/"))
			s_ref(s, "SECURITY", "cpe22Type", cpe);
	}
	s_str(s, F_PURPOSE, sp->purpose);
	report__package_props(m->d, sp, s_annotation, s);
	s_end(s);
	free(src);
}

static void emit_image(sink *s)
{
	const sbom_doc *d = s->m->d;
	const char *md = d->a->image.manifest_digest;

	s_begin(s, 0, d->image_name ? d->image_name : "image", s->m->image_ref);
	s_str(s, F_NAME, d->image_name ? d->image_name : "image");
	s_str(s, F_SPDXID, s->m->image_ref);
	s_str(s, F_VERSION, d->image_version);
	s_str(s, F_DOWNLOAD, "NOASSERTION");
	s_files_analyzed(s);
	if (md && customs_digest_valid(md))
		s_checksum(s, "SHA256", md + strlen("sha256:"));
	s_str(s, F_LIC_CONCLUDED, "NOASSERTION");
	s_str(s, F_LIC_DECLARED, "NOASSERTION");
	s_str(s, F_COPYRIGHT, "NOASSERTION");
	if (d->image_purl)
		s_ref(s, "PACKAGE-MANAGER", "purl", d->image_purl);
	s_str(s, F_PURPOSE, "CONTAINER");
	report__image_props(d, s_annotation, s);
	s_end(s);
}

static void emit_os(sink *s)
{
	const customs_distro *ds = &s->m->d->a->distro;
	const char *name = ds->id ? ds->id : s->m->d->os_id;

	s_begin(s, 0, name, s->m->os_ref);
	s_str(s, F_NAME, name);
	s_str(s, F_SPDXID, s->m->os_ref);
	s_str(s, F_VERSION, ds->version_id);
	s_str(s, F_DOWNLOAD, "NOASSERTION");
	s_files_analyzed(s);
	s_str(s, F_DESCRIPTION, ds->pretty_name);
	s_str(s, F_PURPOSE, "OPERATING_SYSTEM");
	s_end(s);
}

static void emit_file(sink *s, const spdx_file *sf)
{
	char hex[65], md5[33], *name = customs_asprintf(".%s%s", sf->path[0] == '/' ? "" : "/", sf->path);
	if (!name) {
		s->oom = 1;
		return;
	}
	s_begin(s, 1, name, sf->id);
	s_str(s, F_FILENAME, name);
	s_str(s, F_SPDXID, sf->id);
	if (sf->f->has_digest) {
		customs_hex(hex, sf->f->sha256, 32);
		s_checksum(s, "SHA256", hex);
	}
	if (sf->md5) {
		for (size_t k = 0; k < 32; k++)
			md5[k] = (char)(sf->md5[k] >= 'A' && sf->md5[k] <= 'F' ? sf->md5[k] - 'A' + 'a' : sf->md5[k]);
		md5[32] = '\0';
		s_checksum(s, "MD5", md5);
	}
	s_end(s);
	free(name);
}

/* The package elements in document order: the image, the OS, then the
 * packages, each followed in tag-value by the files it is the first owner
 * of (clause 5); in JSON the files come in their own array. */
static void emit_packages(sink *s)
{
	const spdx_model *m = s->m;
	size_t nextfile = 0;
	emit_image(s);
	if (m->os_ref)
		emit_os(s);
	for (size_t i = 0; i < m->d->npkgs && !s->oom; i++) {
		emit_package(s, i);
		while (!s->w && nextfile < m->nfiles && m->files[nextfile].pkg == i)
			emit_file(s, &m->files[nextfile++]);
	}
}

static int oom_building(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory building the SPDX document");
}

static int write_json_doc(FILE *f, const spdx_model *m)
{
	const sbom_doc *d = m->d;
	customs_jsonw *w = malloc(sizeof(*w));
	char *ns = namespace_of(d);
	sink s = {.m = m, .w = w};
	json_t *e;
	int err = 0;

	if (!w || !ns) {
		free(w), free(ns);
		return oom_building();
	}
	customs_jsonw_init(w, f, 2);
	customs_jsonw_begin_object(w);
	customs_jsonw_kv_string(w, "spdxVersion", "SPDX-2.3");
	customs_jsonw_kv_string(w, "dataLicense", "CC0-1.0");
	customs_jsonw_kv_string(w, "SPDXID", "SPDXRef-DOCUMENT");
	customs_jsonw_kv_string(w, "name", d->image_name ? d->image_name : "image");
	customs_jsonw_kv_string(w, "documentNamespace", ns);
	customs_jsonw_key(w, "creationInfo");
	customs_jsonw_begin_object(w);
	customs_jsonw_kv_string(w, "created", d->created);
	customs_jsonw_key(w, "creators");
	customs_jsonw_begin_array(w);
	customs_jsonw_string(w, m->annotator);
	customs_jsonw_end_array(w);
	customs_jsonw_end_object(w);
	customs_jsonw_key(w, "packages");
	customs_jsonw_begin_array(w);
	emit_packages(&s);
	customs_jsonw_end_array(w);
	if (m->nfiles) {
		customs_jsonw_key(w, "files");
		customs_jsonw_begin_array(w);
		for (size_t j = 0; j < m->nfiles && !s.oom; j++)
			emit_file(&s, &m->files[j]);
		customs_jsonw_end_array(w);
	}
	if (d->nlicense_refs) {
		if (!(e = extracted_json(d)))
			s.oom = 1;
		customs_jsonw_key(w, "hasExtractedLicensingInfos");
		customs_jsonw_value(w, e);
		json_decref(e);
	}
	customs_jsonw_key(w, "relationships");
	customs_jsonw_begin_array(w);
	for (size_t k = 0; k < m->nrels; k++) {
		const spdx_rel *r = &m->rels[k];
		customs_jsonw_begin_object(w);
		customs_jsonw_kv_string(w, "spdxElementId", elem_ref(m, r->a));
		customs_jsonw_kv_string(w, "relatedSpdxElement", elem_ref(m, r->b));
		customs_jsonw_kv_string(w, "relationshipType", rel_names[r->type]);
		customs_jsonw_end_object(w);
	}
	customs_jsonw_end_array(w);
	customs_jsonw_end_object(w);
	err = s.oom ? oom_building() : customs_jsonw_finish(w);
	free(w);
	free(ns);
	return err;
}

int report__spdx_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	spdx_model m;
	int err = model_init(&m, d);
	if (err < 0)
		return err;
	err = write_json_doc(f, &m);
	model_release(&m);
	return err;
}

/* Clause 5: files follow the package that contains them (a file two
 * packages own follows the first; both CONTAINS relationships say the
 * rest), extracted licenses and relationships come last. */
static int tv_document(FILE *f, const spdx_model *m)
{
	const sbom_doc *d = m->d;
	char *ns = namespace_of(d);
	sink s = {.m = m, .f = f};
	json_t *e, *v;
	size_t k;

	if (!ns)
		return oom_building();
	fputs("SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\n", f);
	tv_line(f, "DocumentName", d->image_name ? d->image_name : "image");
	tv_line(f, "DocumentNamespace", ns);
	free(ns);
	tv_line(f, "Creator", m->annotator);
	tv_line(f, "Created", d->created);
	emit_packages(&s);
	if (s.oom)
		return oom_building();
	if (d->nlicense_refs) {
		if (!(e = extracted_json(d)))
			return oom_building();
		tv_comment(f, "Other licensing information", NULL);
		json_array_foreach(e, k, v) {
			if (k)
				fputc('\n', f);
			tv_key(f, "LicenseID", v, "licenseId", 0);
			tv_key(f, "ExtractedText", v, "extractedText", 1);
			tv_key(f, "LicenseName", v, "name", 0);
		}
		json_decref(e);
	}
	tv_comment(f, "Relationships", NULL);
	for (k = 0; k < m->nrels; k++)
		fprintf(f, "Relationship: %s %s %s\n", elem_ref(m, m->rels[k].a), rel_names[m->rels[k].type],
			elem_ref(m, m->rels[k].b));
	return 0;
}

int report__spdx_tv(FILE *f, const customs_report *r, const sbom_doc *d)
{
	spdx_model m;
	int err = model_init(&m, d);
	if (err < 0)
		return err;
	errno = 0;
	err = tv_document(f, &m);
	if (!err && (fflush(f) != 0 || ferror(f)))
		err = customs__error(CUSTOMS_EIO, "writing the SPDX tag-value document: %s",
				     errno ? strerror(errno) : "write error");
	model_release(&m);
	return err;
}
