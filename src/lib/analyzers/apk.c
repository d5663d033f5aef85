/* apk.c - Alpine (and Wolfi, Chainguard) packages from lib/apk/db/installed:
 * "X:value" lines, one package per blank-line-separated block, with the
 * package fields of apk-package(5) and the installed db's F/R/Z/M/a file
 * entries (apk-tools src/database.c, apk_db_fdb_read). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "customs/purl.h"
#include "util/util.h"

#define MAX_APK_DB (256u << 20)
#define APK_DB "lib/apk/db/installed"

typedef struct apk_ctx {
	customs_pkgvec pkgs;
	customs_parse_warn_fn warn;
	void *ud;
	/* the package being read */
	customs_package *p;
	size_t start;       /* its first line */
	customs_buf dir;    /* current F: directory */
	int have_dir;
	char *file;         /* current R: path, awaiting its Z: */
	json_t *digests;    /* {"/path": "Q1..."} */
	json_t *acls;       /* {"/path": "uid:gid:mode"} for a: lines */
} apk_ctx;

static void reset_pkg(apk_ctx *c)
{
	customs_package_free(c->p);
	c->p = NULL;
	c->dir.len = 0;
	c->have_dir = 0;
	free(c->file);
	c->file = NULL;
	json_decref(c->digests);
	json_decref(c->acls);
	c->digests = c->acls = NULL;
}

/* Space-separated list (D:, p:, i:, r:) as a JSON array. */
static json_t *word_array(const char *v, size_t n)
{
	json_t *arr = json_array();
	size_t i = 0;
	while (arr && i < n) {
		while (i < n && v[i] == ' ')
			i++;
		size_t s = i;
		while (i < n && v[i] != ' ')
			i++;
		if (i > s) {
			char *w = customs_utf8_strndup(v + s, i - s);
			if (!w || json_array_append_new(arr, json_string(w)) < 0) {
				free(w);
				json_decref(arr);
				return NULL;
			}
			free(w);
		}
	}
	return arr;
}

/* L: is an SPDX expression in current aports ("MIT AND BSD-2-Clause"),
 * free text in older ones ("GPL2+ MIT"): each name once, operators and
 * parentheses dropped, "WITH exception" kept with its license. */
static int add_licenses(customs_strlist *l, const char *v, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '(' || v[i] == ')'))
			i++;
		size_t s = i;
		while (i < n && v[i] != ' ' && v[i] != '(' && v[i] != ')')
			i++;
		size_t tl = i - s;
		if (!tl)
			continue;
		if ((tl == 3 && (!strncmp(v + s, "AND", 3) || !strncmp(v + s, "and", 3))) ||
		    (tl == 2 && (!strncmp(v + s, "OR", 2) || !strncmp(v + s, "or", 2))))
			continue;
		if (tl == 4 && !strncmp(v + s, "WITH", 4) && l->n) {
			/* "GPL-2.0-only WITH Linux-syscall-note": append to the last */
			while (i < n && v[i] == ' ')
				i++;
			size_t es = i;
			while (i < n && v[i] != ' ' && v[i] != ')')
				i++;
			char *w = customs_utf8_strndup(v + es, i - es);
			char *joined = w ? customs_asprintf("%s WITH %s", l->v[l->n - 1], w) : NULL;
			free(w);
			if (!joined)
				return CUSTOMS_ENOMEM;
			free(l->v[l->n - 1]);
			l->v[l->n - 1] = joined;
			continue;
		}
		char *w = customs_utf8_strndup(v + s, tl);
		if (!w || (!customs_strlist_contains(l, w) && customs_strlist_add(l, w) < 0)) {
			free(w);
			return CUSTOMS_ENOMEM;
		}
		free(w);
	}
	return 0;
}

static int meta_str(customs_package *p, const char *key, const char *v, size_t n)
{
	char *s = customs_utf8_strndup(v, n);
	int rc = s ? json_object_set_new(p->metadata, key, json_string(s)) : -1;
	free(s);
	return rc < 0 ? CUSTOMS_ENOMEM : 0;
}

static int meta_int(customs_package *p, const char *key, const char *v, size_t n)
{
	char num[32];
	size_t d = 0;
	while (d < n && v[d] >= '0' && v[d] <= '9')
		d++;
	if (!n || n >= 19 || d < n)
		return meta_str(p, key, v, n); /* keep what is there, as text */
	memcpy(num, v, n);
	num[n] = '\0';
	return json_object_set_new(p->metadata, key, json_integer(strtoll(num, NULL, 10))) < 0 ? CUSTOMS_ENOMEM : 0;
}

/* The current R: file as an absolute path. */
static char *file_path(apk_ctx *c, const char *name, size_t n)
{
	char *raw;
	if (c->have_dir && c->dir.len)
		raw = customs_asprintf("/%.*s/%.*s", (int)c->dir.len, c->dir.ptr, (int)n, name);
	else
		raw = customs_asprintf("/%.*s", (int)n, name);
	if (!raw)
		return NULL;
	char *v = customs_utf8_strndup(raw, strlen(raw));
	free(raw);
	return v;
}

static int end_pkg(apk_ctx *c)
{
	customs_package *p = c->p;
	int err = 0;
	if (!p)
		return 0;
	if (!p->name || !p->version) {
		customs__parse_warnf(c->warn, c->ud, c->start, "package entry without %s%s%s: skipped",
				     p->name ? "" : "P: (name)", !p->name && !p->version ? " and " : "",
				     p->version ? "" : "V: (version)");
		reset_pkg(c);
		return 0;
	}
	if (c->digests && json_object_size(c->digests) &&
	    json_object_set_new(p->metadata, "digests", json_incref(c->digests)) < 0)
		err = CUSTOMS_ENOMEM;
	if (!err && c->acls && json_object_size(c->acls) && json_object_set_new(p->metadata, "acls", json_incref(c->acls)) < 0)
		err = CUSTOMS_ENOMEM;
	if (!err && !p->source_name && !(p->source_name = customs_strdup(p->name)))
		err = CUSTOMS_ENOMEM;
	if (!err && !p->source_version && !(p->source_version = customs_strdup(p->version)))
		err = CUSTOMS_ENOMEM;
	if (err) {
		reset_pkg(c);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	c->p = NULL;
	reset_pkg(c);
	return customs__pkgvec_push(&c->pkgs, p);
}

static int field(apk_ctx *c, char k, const char *v, size_t n, size_t line)
{
	customs_package *p = c->p;
	char **dst = NULL;

	switch (k) {
	case 'P': dst = &p->name; break;
	case 'V': dst = &p->version; break;
	case 'A': dst = &p->arch; break;
	case 'o': dst = &p->source_name; break;
	case 'L':
		if (add_licenses(&p->licenses, v, n) < 0)
			return CUSTOMS_ENOMEM;
		return meta_str(p, "license", v, n);
	case 'C': return meta_str(p, "checksum", v, n);
	case 'T': return meta_str(p, "description", v, n);
	case 'U': return meta_str(p, "url", v, n);
	case 'm': return meta_str(p, "maintainer", v, n);
	case 'c': return meta_str(p, "commit", v, n);
	case 's': return meta_str(p, "repository_tag", v, n);
	case 'f': return meta_str(p, "flags", v, n);
	case 't': return meta_int(p, "build_time", v, n);
	case 'S': return meta_int(p, "size", v, n);
	case 'I': return meta_int(p, "installed_size", v, n);
	case 'k': return meta_int(p, "provider_priority", v, n);
	case 'q': return meta_int(p, "replaces_priority", v, n);
	case 'D':
	case 'p':
	case 'i':
	case 'r': {
		const char *key = k == 'D' ? "depends" : k == 'p' ? "provides" : k == 'i' ? "install_if" : "replaces";
		json_t *arr = word_array(v, n);
		return !arr || json_object_set_new(p->metadata, key, arr) < 0 ? CUSTOMS_ENOMEM : 0;
	}
	case 'F':
		c->dir.len = 0;
		while (n && v[0] == '/')
			v++, n--;
		while (n && v[n - 1] == '/')
			n--;
		c->have_dir = 1;
		free(c->file);
		c->file = NULL;
		return customs_buf_put(&c->dir, v, n) < 0 ? CUSTOMS_ENOMEM : 0;
	case 'M':
		return 0; /* directory ACL: directories are not listed */
	case 'R': {
		if (!c->have_dir)
			customs__parse_warnf(c->warn, c->ud, line, "R: line before any F: line: read as a file in /");
		free(c->file);
		if (!(c->file = file_path(c, v, n)) || customs_strlist_add(&p->files, c->file) < 0)
			return CUSTOMS_ENOMEM;
		return 0;
	}
	case 'Z':
	case 'a': {
		if (!c->file) {
			customs__parse_warnf(c->warn, c->ud, line, "%c: line without an R: file before it: skipped", k);
			return 0;
		}
		json_t **obj = k == 'Z' ? &c->digests : &c->acls;
		char *s = customs_utf8_strndup(v, n);
		if (!*obj)
			*obj = json_object();
		int rc = s && *obj ? json_object_set_new(*obj, c->file, json_string(s)) : -1;
		free(s);
		return rc < 0 ? CUSTOMS_ENOMEM : 0;
	}
	default:
		return 0; /* apk ignores fields it does not know, so do we */
	}
	free(*dst);
	if (!(*dst = customs_utf8_strndup(v, n)))
		return CUSTOMS_ENOMEM;
	return 0;
}

int customs__apk_parse_installed(customs_package ***out, size_t *n, const char *buf, size_t len,
				 customs_parse_warn_fn warn, void *ud)
{
	apk_ctx c = {.warn = warn, .ud = ud, .dir = CUSTOMS_BUF_INIT(1 << 16)};
	const char *s = buf, *end = buf + len, *p;
	size_t line = 0, ln;
	int err = 0;

	while (err == 0 && customs_next_line(&s, end, &p, &ln, 1)) {
		line++;
		if (ln < 2) {
			/* apk_db_fdb_read: a line shorter than two bytes ends a package */
			err = end_pkg(&c);
			continue;
		}
		if (p[1] != ':') {
			customs__parse_warnf(c.warn, c.ud, line, "not an \"X:value\" line: skipped");
			continue;
		}
		if (!c.p) {
			if (!(c.p = customs_package_new()) || !(c.p->type = customs_strdup("apk")) ||
			    !(c.p->metadata = json_object())) {
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				break;
			}
			c.start = line;
		}
		if (field(&c, p[0], p + 2, ln - 2, line) < 0)
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	if (err == 0)
		err = end_pkg(&c);
	reset_pkg(&c);
	customs_buf_release(&c.dir);
	return customs__pkgvec_result(out, n, &c.pkgs, err);
}

/* ---- the analyzer ---- */

static const char *const wanted[] = {APK_DB, NULL};

/* A hostile database could hold millions of bad lines: report the first
 * few of each file. */
#define MAX_WARNINGS_PER_FILE 20

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	customs_package **v;
	size_t n;
	customs_file_warn w = customs__file_warn_for(f, NULL, MAX_WARNINGS_PER_FILE);
	int err = customs__apk_parse_installed(&v, &n, (const char *)data, len, customs__file_warn, &w);
	return customs__copies_take(self, f->path, f->layer, err, v, n);
}

static int fill(void *ud, customs_analysis *a, customs_package *p, const copies_copy *listed)
{
	return customs__os_package_ids(p, &a->distro, "apk", "alpine");
}

static int finish(void *self, customs_analysis *a)
{
	return copies__merge(self, a, &(copies_merge){.found_by = "apk", .flags = COPIES_DISTRO, .fill = fill});
}

const customs_analyzer_type customs__apk_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "apk",
	.description = "Alpine packages from lib/apk/db/installed",
	.analyzer_version = "1",
	.paths = wanted,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = MAX_APK_DB,
	.file = on_file,
	.finish = finish,
};
