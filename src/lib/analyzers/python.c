/* python.c - installed Python distributions: `*.dist-info/METADATA` (with
 * RECORD for the owned files), `*.egg-info/PKG-INFO` (with
 * installed-files.txt and requires.txt) and single-file `*.egg-info`, in
 * site-packages and dist-packages directories anywhere in the image.
 * Formats: PyPA "Core metadata specifications" (email-header syntax),
 * "Recording installed projects" (RECORD), "Name normalization" (PEP 503).
 * A distribution whose METADATA a Debian package lists is linked to it
 * (metadata "installed_by"), so matchers can tell pip's copy from apt's. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "license/license.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_PY_FILE (16u << 20)   /* RECORD of a large wheel is a few MB */

/* ---- PEP 503 ---- */

char *customs__pep503_normalize(const char *name)
{
	size_t n = strlen(name);
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '-' || c == '_' || c == '.') {
			while (i + 1 < n && (name[i + 1] == '-' || name[i + 1] == '_' || name[i + 1] == '.'))
				i++;
			*o++ = '-';
		} else {
			*o++ = (char)tolower(c);
		}
	}
	*o = '\0';
	return out;
}

/* ---- licenses ---- */

/* Trove classifiers with exactly one SPDX meaning (unversioned ones such as
 * "Apache Software License" or "BSD License" are left out on purpose). */
static const struct {
	const char *classifier, *spdx;
} trove[] = {
	{"License :: OSI Approved :: MIT License", "MIT"},
	{"License :: OSI Approved :: MIT No Attribution License (MIT-0)", "MIT-0"},
	{"License :: OSI Approved :: ISC License (ISCL)", "ISC"},
	{"License :: OSI Approved :: Mozilla Public License 1.0 (MPL)", "MPL-1.0"},
	{"License :: OSI Approved :: Mozilla Public License 1.1 (MPL 1.1)", "MPL-1.1"},
	{"License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"},
	{"License :: OSI Approved :: GNU General Public License v2 (GPLv2)", "GPL-2.0-only"},
	{"License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later"},
	{"License :: OSI Approved :: GNU General Public License v3 (GPLv3)", "GPL-3.0-only"},
	{"License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"},
	{"License :: OSI Approved :: GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only"},
	{"License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)", "LGPL-2.0-or-later"},
	{"License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"},
	{"License :: OSI Approved :: GNU Lesser General Public License v3 or later (LGPLv3+)", "LGPL-3.0-or-later"},
	{"License :: OSI Approved :: GNU Affero General Public License v3", "AGPL-3.0-only"},
	{"License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)", "AGPL-3.0-or-later"},
	{"License :: OSI Approved :: Python Software Foundation License", "PSF-2.0"},
	{"License :: OSI Approved :: Python License (CNRI Python License)", "CNRI-Python"},
	{"License :: OSI Approved :: The Unlicense (Unlicense)", "Unlicense"},
	{"License :: OSI Approved :: Boost Software License 1.0 (BSL-1.0)", "BSL-1.0"},
	{"License :: OSI Approved :: Eclipse Public License 1.0 (EPL-1.0)", "EPL-1.0"},
	{"License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0"},
	{"License :: OSI Approved :: zlib/libpng License", "Zlib"},
	{"License :: OSI Approved :: European Union Public Licence 1.0 (EUPL 1.0)", "EUPL-1.0"},
	{"License :: OSI Approved :: European Union Public Licence 1.1 (EUPL 1.1)", "EUPL-1.1"},
	{"License :: OSI Approved :: European Union Public Licence 1.2 (EUPL 1.2)", "EUPL-1.2"},
	{"License :: OSI Approved :: Universal Permissive License (UPL)", "UPL-1.0"},
	{"License :: OSI Approved :: PostgreSQL License", "PostgreSQL"},
	{"License :: OSI Approved :: Historical Permission Notice and Disclaimer (HPND)", "HPND"},
	{"License :: OSI Approved :: Common Development and Distribution License 1.0 (CDDL-1.0)", "CDDL-1.0"},
	{"License :: OSI Approved :: W3C License", "W3C"},
	{"License :: OSI Approved :: Sun Industry Standards Source License (SISSL)", "SISSL"},
	{"License :: OSI Approved :: Open Software License 3.0 (OSL-3.0)", "OSL-3.0"},
	{"License :: OSI Approved :: Mulan Permissive Software License v2 (MulanPSL-2.0)", "MulanPSL-2.0"},
	{"License :: OSI Approved :: Blue Oak Model License (BlueOak-1.0.0)", "BlueOak-1.0.0"},
	{"License :: OSI Approved :: Attribution Assurance License", "AAL"},
	{"License :: OSI Approved :: Sleepycat License", "Sleepycat"},
	{"License :: OSI Approved :: Apache Software License 2.0 (Apache-2.0)", "Apache-2.0"},
	{"License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"},
	{NULL, NULL},
};

/* ---- METADATA / PKG-INFO ---- */

typedef struct hdr {
	const char *name;
	size_t nlen;
	const char *val;  /* from the first non-blank byte after the colon */
	size_t vlen;      /* up to the end of the last continuation line */
	size_t line;
} hdr;

typedef struct hdrs {
	hdr *h;
	size_t n, cap;
} hdrs;

/* The header block of an RFC 822 message as Python's email.parser reads
 * it (policy compat32): "Name: value" lines, continuation lines starting
 * with blank space, ended by an empty line or by a line that is neither. */
static int read_headers(hdrs *out, const char *buf, size_t len)
{
	const char *at = buf, *end = buf + len, *p;
	size_t line = 0, n;
	/* a UTF-8 byte order mark is not part of the first field name */
	if (len >= 3 && !memcmp(at, "\xEF\xBB\xBF", 3))
		at += 3;
	while (customs_next_line(&at, end, &p, &n, 1)) {
		line++;
		if (n == 0)
			break;
		if (p[0] == ' ' || p[0] == '\t') {
			if (out->n)
				out->h[out->n - 1].vlen = (size_t)(p + n - out->h[out->n - 1].val);
			continue;
		}
		size_t k = 0;
		while (k < n && p[k] != ':' && (unsigned char)p[k] > 32 && (unsigned char)p[k] < 127)
			k++;
		if (k == 0 || k == n || p[k] != ':')
			break; /* the body starts here */
		if (out->n == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 32;
			hdr *h = realloc(out->h, cap * sizeof(*h));
			if (!h)
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
			out->h = h;
			out->cap = cap;
		}
		const char *v = p + k + 1;
		while (v < p + n && (*v == ' ' || *v == '\t'))
			v++;
		out->h[out->n++] = (hdr){p, k, v, (size_t)(p + n - v), line};
	}
	return 0;
}

static int hdr_is(const hdr *h, const char *name)
{
	return strlen(name) == h->nlen && !strncasecmp(h->name, name, h->nlen);
}

static const hdr *hdr_get(const hdrs *hs, const char *name)
{
	for (size_t i = 0; i < hs->n; i++)
		if (hdr_is(&hs->h[i], name))
			return &hs->h[i];
	return NULL;
}

/* The value as valid UTF-8 without trailing blank space; multi-line values
 * keep their line breaks (continuation lines lose their CR). */
static char *hdr_value(const hdr *h)
{
	size_t n = h->vlen;
	while (n && (h->val[n - 1] == ' ' || h->val[n - 1] == '\t' || h->val[n - 1] == '\r' || h->val[n - 1] == '\n'))
		n--;
	char *raw = customs_strndup(h->val, n);
	if (!raw)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		if (!(raw[i] == '\r' && i + 1 < n && raw[i + 1] == '\n'))
			raw[o++] = raw[i];
	char *v = customs_utf8_strndup(raw, o);
	free(raw);
	return v;
}

static int set_str(json_t *o, const char *key, const hdr *h)
{
	if (!h)
		return 0;
	char *v = hdr_value(h);
	if (!v)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	int err = *v && json_object_set_new(o, key, json_string(v)) < 0;
	free(v);
	return err ? customs__error(CUSTOMS_ENOMEM, "out of memory") : 0;
}

/* "UNKNOWN" (what setuptools writes for no license), "None", ...: no
 * license stated. */
static int says_nothing(const char *v)
{
	static const char *const none[] = {"UNKNOWN", "None", "N/A", "NA", "-", "", NULL};
	for (int i = 0; none[i]; i++)
		if (!strcasecmp(v, none[i]))
			return 1;
	return 0;
}

/* As PyPA core metadata and PEP 639 rank them: License-Expression as it
 * is; else License when it is a license's name or expression
 * (customs__spdx_normalize: "MIT", "Apache 2.0"); else the classifiers
 * that name exactly one SPDX license (a vaguer License such as "LGPL" says
 * the same less exactly); else what a License holding a license's text is
 * (license/classify.c); else License kept as it is, a name that maps to no
 * SPDX id. */
static int add_licenses(customs_package *p, const hdrs *hs)
{
	const hdr *h = hdr_get(hs, "License-Expression");
	char *v = NULL, *lic = NULL;
	int err = 0;
	if (h && !(v = hdr_value(h)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (v && *v) {
		err = customs_strlist_add(&p->licenses, v);
		free(v);
		return err;
	}
	free(v);
	if ((h = hdr_get(hs, "License")) && !(lic = hdr_value(h)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (lic && says_nothing(lic)) {
		free(lic);
		lic = NULL;
	}
	char *c = lic && !strchr(lic, '\n') ? customs__spdx_normalize(lic) : NULL;
	if (c) {
		err = customs_strlist_add(&p->licenses, c);
		free(c);
		free(lic);
		return err;
	}
	customs_error_clear();
	for (size_t i = 0; i < hs->n && !err; i++) {
		if (!hdr_is(&hs->h[i], "Classifier"))
			continue;
		if (!(v = hdr_value(&hs->h[i]))) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		for (size_t t = 0; trove[t].classifier; t++)
			if (!strcmp(v, trove[t].classifier) && !customs_strlist_contains(&p->licenses, trove[t].spdx))
				err = customs_strlist_add(&p->licenses, trove[t].spdx);
		free(v);
	}
	if (!err && lic && !p->licenses.n && strchr(lic, '\n'))
		err = customs__license_classify(&p->licenses, lic, strlen(lic));
	if (!err && lic && !p->licenses.n)
		err = customs_strlist_add(&p->licenses, lic);
	free(lic);
	return err < 0 ? customs__error(CUSTOMS_ENOMEM, "out of memory") : 0;
}

static int parse_metadata(customs_package *p, const char *buf, size_t len, customs_parse_warn_fn warn, void *ud)
{
	hdrs hs = {0};
	int err;
	json_t *md = NULL, *req = NULL;

	if ((err = read_headers(&hs, buf, len)) < 0)
		goto done;
	const hdr *mv = hdr_get(&hs, "Metadata-Version");
	const hdr *name = hdr_get(&hs, "Name"), *version = hdr_get(&hs, "Version");
	if (mv) {
		/* consumers must refuse a major version they do not know (PyPA core metadata) */
		long major = 0;
		for (size_t i = 0; i < mv->vlen && mv->val[i] >= '0' && mv->val[i] <= '9' && major < 1000; i++)
			major = major * 10 + (mv->val[i] - '0');
		if (major > 2) {
			customs__parse_warnf(warn, ud, mv->line, "Metadata-Version %.*s is newer than 2.x: skipped",
					     (int)(mv->vlen > 32 ? 32 : mv->vlen), mv->val);
			err = CUSTOMS_EFORMAT;
			goto done;
		}
	}
	if ((name && !(p->name = hdr_value(name))) || (version && !(p->version = hdr_value(version)))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	if (!name || !*p->name) {
		customs__parse_warnf(warn, ud, name ? name->line : 1, "no Name field: skipped");
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	if (!version || !*p->version) {
		customs__parse_warnf(warn, ud, version ? version->line : 1, "no Version field: skipped");
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	if (strchr(p->name, '\n') || strchr(p->version, '\n')) {
		customs__parse_warnf(warn, ud, strchr(p->name, '\n') ? name->line : version->line,
				     "Name or Version spans lines: skipped");
		err = CUSTOMS_EFORMAT;
		goto done;
	}
	if (!(p->type = customs_strdup("python")) || !(md = json_object()) || !(req = json_array())) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	/* NULL when the name breaks purl rules: no purl, not fatal */
	p->purl = customs_purl_make("pypi", NULL, p->name, p->version, NULL, NULL);
	if ((err = add_licenses(p, &hs)) < 0)
		goto done;
	const hdr *author = hdr_get(&hs, "Author");
	if (!author || !author->vlen)
		author = hdr_get(&hs, "Author-email");
	const hdr *home = hdr_get(&hs, "Home-page");
	if ((err = set_str(md, "author", author)) < 0 || (err = set_str(md, "home_page", home)) < 0 ||
	    (err = set_str(md, "summary", hdr_get(&hs, "Summary"))) < 0)
		goto done;
	for (size_t i = 0; i < hs.n; i++) {
		const hdr *h = &hs.h[i];
		char *v;
		if (hdr_is(h, "Project-URL") && !home && (v = hdr_value(h))) {
			/* "Homepage, https://..." when there is no Home-page */
			char *comma = strchr(v, ',');
			if (comma && (size_t)(comma - v) == 8 && !strncasecmp(v, "homepage", 8)) {
				const char *u = comma + 1;
				while (*u == ' ')
					u++;
				if (*u && json_object_set_new(md, "home_page", json_string(u)) < 0)
					err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				home = h;
			}
			free(v);
		} else if (hdr_is(h, "Requires-Dist")) {
			if (!(v = hdr_value(h)) || json_array_append_new(req, json_string(v)) < 0)
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			free(v);
		}
		if (err < 0)
			goto done;
	}
	if (json_object_set(md, "requires_dist", req) < 0) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	p->metadata = md;
	md = NULL;
	err = 0;
done:
	json_decref(md);
	json_decref(req);
	free(hs.h);
	return err;
}

int customs__python_parse_metadata(customs_package **out, const char *buf, size_t len, customs_parse_warn_fn warn,
				   void *ud)
{
	customs_package *p = customs_package_new();
	*out = NULL;
	if (!p)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	int err = parse_metadata(p, buf, len, warn, ud);
	if (err < 0) {
		customs_package_free(p);
		return err;
	}
	*out = p;
	return 0;
}

/* ---- RECORD, installed-files.txt, requires.txt ---- */

/* "/" + dir/rel with "." and ".." resolved (rel may be absolute); NULL
 * when it climbs above the root, is empty, or on ENOMEM. */
static char *join_norm(const char *dir, const char *rel, size_t rlen)
{
	customs_buf in = CUSTOMS_BUF_INIT(1 << 16), out = CUSTOMS_BUF_INIT(1 << 16);
	char *res = NULL;
	if (rlen && rel[0] == '/') {
		if (customs_buf_put(&in, rel, rlen) < 0)
			goto done;
	} else if (customs_buf_puts(&in, dir) < 0 || customs_buf_put(&in, "/", 1) < 0 ||
		   customs_buf_put(&in, rel, rlen) < 0) {
		goto done;
	}
	for (size_t i = 0; i < in.len;) {
		while (i < in.len && in.ptr[i] == '/')
			i++;
		size_t s = i;
		while (i < in.len && in.ptr[i] != '/')
			i++;
		size_t n = i - s;
		if (n == 0 || (n == 1 && in.ptr[s] == '.'))
			continue;
		if (n == 2 && in.ptr[s] == '.' && in.ptr[s + 1] == '.') {
			if (!out.len)
				goto done;
			while (out.len && out.ptr[out.len - 1] != '/')
				out.len--;
			out.len--; /* the slash */
			out.ptr[out.len] = '\0';
			continue;
		}
		if (customs_buf_put(&out, "/", 1) < 0 || customs_buf_put(&out, in.ptr + s, n) < 0)
			goto done;
	}
	if (out.len)
		res = customs_utf8_strndup(out.ptr, out.len);
done:
	customs_buf_release(&in);
	customs_buf_release(&out);
	return res;
}

/* Lines of text, CR stripped, empty lines skipped. */
typedef int (*line_fn)(void *ud, const char *s, size_t n);

static int each_line(const char *buf, size_t len, line_fn fn, void *ud)
{
	const char *at = buf, *end = buf + len, *p;
	size_t n;
	int err;
	while (customs_next_line(&at, end, &p, &n, 1))
		if (n && (err = fn(ud, p, n)) < 0)
			return err;
	return 0;
}

typedef struct files_ctx {
	customs_strlist *out;
	const char *dir;
	int csv;
} files_ctx;

static int add_file_line(void *ud, const char *s, size_t n)
{
	files_ctx *c = ud;
	char *path;
	if (c->csv && n && s[0] == '"') {
		/* a quoted CSV field: "" is a quote; the field ends at the lone quote */
		customs_buf b = CUSTOMS_BUF_INIT(1 << 16);
		size_t i = 1;
		for (; i < n; i++) {
			if (s[i] == '"') {
				if (i + 1 < n && s[i + 1] == '"')
					i++;
				else
					break;
			}
			if (customs_buf_put(&b, s + i, 1) < 0) {
				customs_buf_release(&b);
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
			}
		}
		path = b.len ? join_norm(c->dir, b.ptr, b.len) : NULL;
		customs_buf_release(&b);
	} else {
		const char *comma = c->csv ? memchr(s, ',', n) : NULL;
		size_t pl = comma ? (size_t)(comma - s) : n;
		path = pl ? join_norm(c->dir, s, pl) : NULL;
	}
	if (!path)
		return 0; /* empty, above the root, or ENOMEM: the list is best effort */
	int err = customs_strlist_add(c->out, path);
	free(path);
	return err;
}

int customs__python_parse_record(customs_strlist *out, const char *dir, const char *buf, size_t len)
{
	files_ctx c = {out, dir, 1};
	return each_line(buf, len, add_file_line, &c);
}

/* installed-files.txt (setuptools/pip for egg-info): one path per line,
 * relative to the .egg-info directory. */
static int parse_installed_files(customs_strlist *out, const char *egg_dir, const char *buf, size_t len)
{
	files_ctx c = {out, egg_dir, 0};
	return each_line(buf, len, add_file_line, &c);
}

typedef struct req_ctx {
	json_t *arr;
	char *section; /* "extra:marker", "extra", ":marker" or NULL */
} req_ctx;

static int add_req_line(void *ud, const char *s, size_t n)
{
	req_ctx *c = ud;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (!n || s[0] == '#')
		return 0;
	if (s[0] == '[') {
		free(c->section);
		c->section = NULL;
		if (n > 2 && s[n - 1] == ']' && !(c->section = customs_utf8_strndup(s + 1, n - 2)))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		return 0;
	}
	char *req = customs_utf8_strndup(s, n), *v = NULL;
	if (!req)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	/* importlib.metadata's reading of egg-info sections as markers */
	const char *colon = c->section ? strchr(c->section, ':') : NULL;
	if (!c->section)
		v = customs_strdup(req);
	else if (!colon)
		v = customs_asprintf("%s; extra == \"%s\"", req, c->section);
	else if (colon == c->section)
		v = customs_asprintf("%s; %s", req, colon + 1);
	else
		v = customs_asprintf("%s; (%s) and extra == \"%.*s\"", req, colon + 1, (int)(colon - c->section),
				     c->section);
	free(req);
	int err = !v || json_array_append_new(c->arr, json_string(v)) < 0;
	free(v);
	return err ? customs__error(CUSTOMS_ENOMEM, "out of memory") : 0;
}

/* requires.txt of an egg-info directory as Requires-Dist strings. */
int customs__python_parse_requires(json_t *arr, const char *buf, size_t len)
{
	req_ctx c = {arr, NULL};
	int err = each_line(buf, len, add_req_line, &c);
	free(c.section);
	return err;
}

/* ---- the analyzer ---- */

enum { K_METADATA, K_EGGFILE, K_RECORD, K_INSTALLED_FILES, K_REQUIRES };

/* The state: copies of METADATA, PKG-INFO and .egg-info files (one package
 * each, or why not), and of RECORD, installed-files.txt, requires.txt. */
enum { META, SIDE };

static const char *const basenames[] = {"METADATA", "PKG-INFO", "RECORD", "installed-files.txt", "requires.txt", NULL};
static const char *const suffixes[] = {".egg-info", NULL};

static int is_site_dir(const char *s, size_t n)
{
	return (n == 13 && !memcmp(s, "site-packages", 13)) || (n == 13 && !memcmp(s, "dist-packages", 13));
}

/* Length of the directory part of path[0..n) (without the slash), or 0. */
static size_t dir_len(const char *path, size_t n)
{
	while (n && path[n - 1] != '/')
		n--;
	return n ? n - 1 : 0;
}

/* Which kind of file path is for this cataloger, or -1: METADATA must sit in
 * SITE/<x>.dist-info/, PKG-INFO and the egg side files in SITE/<x>.egg-info/,
 * an .egg-info file directly in SITE, where SITE is a directory named
 * site-packages or dist-packages. */
static int classify(const char *path)
{
	size_t n = strlen(path), d = dir_len(path, n);
	const char *base = d ? path + d + 1 : path;
	if (customs_str_has_suffix(path, ".egg-info")) {
		size_t pd = dir_len(path, d);
		return d && is_site_dir(path + pd + (pd ? 1 : 0), d - pd - (pd ? 1 : 0)) ? K_EGGFILE : -1;
	}
	if (!d)
		return -1;
	/* the .dist-info / .egg-info directory and its parent */
	size_t pd = dir_len(path, d);
	const char *dname = path + pd + (pd ? 1 : 0);
	size_t dn = d - (size_t)(dname - path);
	if (!pd)
		return -1;
	size_t gd = dir_len(path, pd);
	const char *site = path + gd + (gd ? 1 : 0);
	if (!is_site_dir(site, pd - (size_t)(site - path)))
		return -1;
	int dist = dn > 10 && !memcmp(dname + dn - 10, ".dist-info", 10);
	int egg = dn > 9 && !memcmp(dname + dn - 9, ".egg-info", 9);
	if (dist && !strcmp(base, "METADATA"))
		return K_METADATA;
	if (dist && !strcmp(base, "RECORD"))
		return K_RECORD;
	if (egg && !strcmp(base, "PKG-INFO"))
		return K_METADATA;
	if (egg && !strcmp(base, "installed-files.txt"))
		return K_INSTALLED_FILES;
	if (egg && !strcmp(base, "requires.txt"))
		return K_REQUIRES;
	return -1;
}

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	copies *py = self;
	int kind = classify(f->path);
	if (kind < 0)
		return 0;
	if (kind != K_METADATA && kind != K_EGGFILE)
		return copies__add_data(&py[SIDE], f->path, f->layer, data ? data : (const unsigned char *)"", len);
	customs_package *p;
	customs_first_warning w = {.set = 0};
	int err = customs__python_parse_metadata(&p, data ? (const char *)data : "", len, customs__keep_first_warning,
						 &w);
	if (err == CUSTOMS_EFORMAT)
		return copies__add_unreadable(&py[META], f->path, f->layer, w.set ? w.msg : "unreadable metadata: skipped");
	if (err < 0)
		return err;
	return copies__add(&py[META], f->path, f->layer, &p, 1);
}

/* The visible copy of the side file `name` next to a metadata file. */
static const copies_copy *side_file(copies *py, customs_analysis *a, const char *meta, size_t dl, const char *name,
				    int *err)
{
	char *path = customs_asprintf("%.*s/%s", (int)dl, meta, name);
	if (!path) {
		*err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		return NULL;
	}
	const copies_copy *s = copies__visible(&py[SIDE], a, path, 0);
	free(path);
	return s && s->data ? s : NULL;
}

/* owned files and requirements from the side files next to the metadata */
static int add_side_files(copies *py, customs_analysis *a, customs_package *p, int kind, const char *site)
{
	const char *meta = p->db_path;
	size_t d = dir_len(meta, strlen(meta));
	const copies_copy *s;
	int err = 0;
	if (kind == K_EGGFILE)
		return 0;
	int dist = d > 10 && !memcmp(meta + d - 10, ".dist-info", 10);
	if ((s = side_file(py, a, meta, d, dist ? "RECORD" : "installed-files.txt", &err))) {
		char *dir = customs_strndup(meta, d);
		if (!dir)
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		else if (dist)
			err = customs__python_parse_record(&p->files, site, s->data, s->len);
		else /* relative to the .egg-info directory */
			err = parse_installed_files(&p->files, dir, s->data, s->len);
		free(dir);
	}
	if (err < 0 || dist)
		return err;
	if ((s = side_file(py, a, meta, d, "requires.txt", &err))) {
		json_t *req = json_object_get(p->metadata, "requires_dist");
		if (req && !json_array_size(req))
			err = customs__python_parse_requires(req, s->data, s->len);
	}
	return err;
}

static int fill(void *ud, customs_analysis *a, customs_package *p, const copies_copy *listed)
{
	int kind = classify(p->db_path), err = 0;
	size_t d = dir_len(p->db_path, strlen(p->db_path));
	char *site = customs_strndup(p->db_path, kind == K_EGGFILE ? d : dir_len(p->db_path, d));
	if (!site || json_object_set_new(p->metadata, "site_packages", json_string(site)) < 0)
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	else if (p->visible)
		err = add_side_files(ud, a, p, kind, site);
	free(site);
	return err;
}

static int finish(void *self, customs_analysis *a)
{
	copies *py = self;
	return copies__merge(&py[META], a,
			     &(copies_merge){.found_by = "python", .flags = COPIES_OWNERS, .fill = fill, .ud = py});
}

const customs_analyzer_type customs__python_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "python",
	.description = "Python distributions (dist-info, egg-info) in site-/dist-packages",
	.analyzer_version = "2",
	.basenames = basenames,
	.suffixes = suffixes,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = MAX_PY_FILE,
	.file = on_file,
	.finish = finish,
};
