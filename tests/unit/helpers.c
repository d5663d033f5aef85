/* helpers.c - the scaffolding the cmocka unit tests share (helpers.h): data
 * files, warnings, packages, directory images, SBOMs and reports in
 * memory, test databases, and exiting with a skip that CI=true fails. */
#include "helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "customs/errors.h"
#include "customs/sbom.h"
#include "model/model.h"
#include "util/util.h"

/* ---- data files ---- */

static char *missing_shared; /* the first $SHARED path found absent */

/* The source tree: $SRCDIR as ctest sets it, else three levels above this
 * file (tests/unit/helpers.c). */
static char *source_dir(void)
{
	const char *src = getenv("SRCDIR"), *file = __FILE__, *end = file + strlen(file);
	if (src && *src)
		return customs_strdup(src);
	for (int up = 0; up < 3 && end > file;)
		if (*--end == '/')
			up++;
	return end > file ? customs_asprintf("%.*s", (int)(end - file), file) : customs_strdup(".");
}

char *th_data_path(const char *rel)
{
	char *src = source_dir(), *path = customs_asprintf("%s/tests/data/%s", src, rel);
	free(src);
	return path;
}

char *th_data(const char *rel, size_t *len)
{
	char *path = th_data_path(rel), *buf = NULL;
	if (customs_read_file(&buf, len, path, 1 << 20) < 0)
		fail_msg("cannot read %s: %s", path, customs_error_last());
	free(path);
	return buf;
}

int th_split_fields(char *line, char **f, int max)
{
	char *r = line, *w, *end;
	int n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r)
			return n;
		if (n == max)
			return -1;
		f[n++] = w = r;
		if (*r == '"') {
			for (r++; *r != '"'; *w++ = *r++) {
				if (!*r)
					return -1;
				if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
					r++;
			}
			end = w;
			r++;
		} else {
			while (*r && *r != ' ' && *r != '\t')
				r++;
			end = r;
		}
		if (*r && *r != ' ' && *r != '\t')
			return -1;
		if (*r)
			r++;
		*end = '\0';
	}
}

char *th_shared_path(const char *rel)
{
	const char *shared = getenv("SHARED");
	char *src = NULL, *path;
	struct stat st;
	if (shared && *shared) {
		path = customs_asprintf("%s/%s", shared, rel);
	} else {
		src = source_dir();
		path = customs_asprintf("%s/../shared/%s", src, rel);
	}
	free(src);
	if (stat(path, &st) == 0)
		return path;
	if (!missing_shared)
		missing_shared = customs_strdup(rel);
	free(path);
	return NULL;
}

char *th_shared_files(const char *dir, const char *const *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char rel[512], *path;
		snprintf(rel, sizeof(rel), "%s/%s", dir, files[i]);
		if (!(path = th_shared_path(rel)))
			return NULL;
		free(path);
	}
	return th_shared_path(dir);
}

char *th_shared_read(const char *rel, size_t *len, size_t max)
{
	char *path = th_shared_path(rel), *buf = NULL;
	if (path && customs_read_file(&buf, len, path, max) < 0)
		fail_msg("cannot read %s: %s", path, customs_error_last());
	free(path);
	return buf;
}

/* ---- a program that cannot run everything ---- */

int th_skip(const char *fmt, ...)
{
	const char *ci = getenv("CI");
	int strict = ci && !strcmp(ci, "true");
	va_list ap;
	fputs(strict ? "FAIL: " : "SKIP: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs(strict ? " (CI=true: a test that cannot run fails)\n" : "\n", stdout);
	fflush(stdout);
	return strict ? 1 : 77;
}

int th_exit(int failed)
{
	const char *shared = getenv("SHARED");
	if (failed)
		return failed;
	if (missing_shared)
		return th_skip("$SHARED/%s is absent (SHARED=%s): the tests that read it did not run", missing_shared,
			       shared && *shared ? shared : "unset");
	return 0;
}

/* ---- parser warnings ---- */

void th_warn(void *ud, size_t line, const char *msg)
{
	th_warns *w = ud;
	if (w->n < TH_MAXW) {
		snprintf(w->msg[w->n], sizeof(w->msg[0]), "%s", msg);
		w->line[w->n++] = line;
	}
}

void th_warn_lined(void *ud, size_t line, const char *msg)
{
	th_warns *w = ud;
	if (w->n < TH_MAXW) {
		snprintf(w->msg[w->n], sizeof(w->msg[0]), "%zu: %s", line, msg);
		w->line[w->n++] = line;
	}
}

void th_warning_is(const th_warns *w, size_t i, size_t line, const char *msg)
{
	assert_int_equal(w->line[i], line);
	assert_string_equal(w->msg[i], msg);
}

/* ---- parsers ---- */

customs_package *th_parse_one_file(th_parse_one_fn parse, const char *rel, th_warn_fn warn, void *ud)
{
	size_t len;
	char *buf = th_data(rel, &len);
	customs_package *p = NULL;
	assert_int_equal(parse(&p, buf, len, warn, ud), 0);
	free(buf);
	return p;
}

customs_package **th_parse_file(th_parse_fn parse, const char *rel, size_t *n, th_warn_fn warn, void *ud)
{
	size_t len;
	char *buf = th_data(rel, &len);
	customs_package **v = NULL;
	assert_int_equal(parse(&v, n, buf, len, warn, ud), 0);
	free(buf);
	return v;
}

void th_parse_one_rejects(th_parse_one_fn parse, const char *text, const char *msg, size_t line)
{
	customs_package *p = (customs_package *)1;
	th_warns w = {0};
	assert_int_equal(parse(&p, text, strlen(text), th_warn, &w), CUSTOMS_EFORMAT);
	assert_null(p);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.msg[0], msg);
	assert_int_equal(w.line[0], line);
}

void th_feed(th_put_fn put, void *scanner, const unsigned char *data, size_t len, size_t maxchunk, uint64_t *rng)
{
	for (size_t off = 0; off < len;) {
		size_t k = len;
		if (maxchunk) {
			*rng ^= *rng << 13, *rng ^= *rng >> 7, *rng ^= *rng << 17;
			k = (size_t)(*rng % maxchunk) + 1;
		}
		if (k > len - off)
			k = len - off;
		int rc = put(scanner, data + off, k);
		assert_true(rc >= 0);
		off += k;
		if (rc == 1)
			break;
	}
}

/* ---- packages ---- */

customs_package *th_pkg_new(const char *type, const char *name, const char *version, const char *purl)
{
	customs_package *p = customs_package_new();
	assert_non_null(p);
	p->type = customs_strdup(type);
	p->name = customs_strdup(name);
	p->version = customs_strdup(version);
	p->purl = customs_strdup(purl);
	return p;
}

void th_pkgs_free(customs_package **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		customs_package_free(v[i]);
	free(v);
}

const customs_package *th_pkg_find(customs_package *const *v, size_t n, const char *type, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i]->name, name) && (!type || !strcmp(v[i]->type, type)))
			return v[i];
	return NULL;
}

const customs_package *th_pkg_need(customs_package *const *v, size_t n, const char *type, const char *name)
{
	const customs_package *p = th_pkg_find(v, n, type, name);
	if (!p)
		fail_msg("no package %s", name);
	return p;
}

const char *th_meta(const customs_package *p, const char *key)
{
	return json_string_value(json_object_get(p->metadata, key));
}

char *th_licenses(const customs_package *p, const char *sep)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	customs_buf_puts(&b, "");
	for (size_t k = 0; k < p->licenses.n; k++)
		customs_buf_printf(&b, "%s%s", k ? sep : "", p->licenses.v[k]);
	return customs_buf_detach(&b);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

char *th_sorted_lines(char **lines, size_t n)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	if (n)
		qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; i < n; i++) {
		customs_buf_printf(&b, "%s\n", lines[i]);
		free(lines[i]);
	}
	free(lines);
	customs_buf_puts(&b, "");
	return customs_buf_detach(&b);
}

/* ---- a directory image ---- */

void th_dir_new(th_dir *d, const char *name)
{
	snprintf(d->path, sizeof(d->path), "/tmp/customs-%s-XXXXXX", name);
	assert_non_null(mkdtemp(d->path));
	d->ref = customs_asprintf("dir:%s", d->path);
}

/* mkdir -p of the directory path's file lies in */
static int make_parents(const char *path)
{
	char *dir = customs_strdup(path);
	int rc = 0;
	for (char *s = strchr(dir + 1, '/'); s && rc == 0; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	free(dir);
	return rc;
}

void th_write(const char *path, const void *data, size_t len)
{
	assert_int_equal(make_parents(path), 0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

void th_dir_put(const th_dir *d, const char *rel, const void *data, size_t len, int mode)
{
	char *path = customs_asprintf("%s/%s", d->path, rel);
	th_write(path, data, len);
	if (mode)
		assert_int_equal(chmod(path, (mode_t)mode), 0);
	free(path);
}

void th_dir_text(const th_dir *d, const char *rel, const char *text)
{
	th_dir_put(d, rel, text, strlen(text), 0);
}

customs_analysis *th_dir_analyze(const th_dir *d, const char *analyzers)
{
	customs_analysis *a = NULL;
	customs_options o = {.version = CUSTOMS_OPTIONS_VERSION, .analyzers = analyzers};
	assert_int_equal(customs_analyze(&a, d->ref, &o), 0);
	return a;
}

void th_dir_warning_is(const th_dir *d, const char *got, const char *fmt, ...)
{
	char want[2048];
	int n = snprintf(want, sizeof(want), "%s: ", d->ref);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(want + n, sizeof(want) - (size_t)n, fmt, ap);
	va_end(ap);
	assert_string_equal(got, want);
}

int th_dir_remove(th_dir *d)
{
	char *cmd = customs_asprintf("rm -rf '%s'", d->path);
	int rc = system(cmd);
	free(cmd);
	free(d->ref);
	d->ref = NULL;
	return rc;
}

/* ---- analyses, SBOMs and reports in memory ---- */

customs_analysis *th_image_analysis(const char *reference, const char *manifest, const char *tag,
				    const char *const *layers)
{
	customs_analysis *a = customs__analysis_new(reference);
	assert_non_null(a);
	a->image.source_kind = customs_strdup("oci");
	a->image.manifest_digest = customs_strdup(manifest);
	a->image.architecture = customs_strdup("amd64");
	a->image.os = customs_strdup("linux");
	customs_strlist_add(&a->image.tags, tag);
	while (layers[a->nlayers])
		a->nlayers++;
	a->layers = calloc(a->nlayers, sizeof(*a->layers));
	for (size_t i = 0; i < a->nlayers; i++)
		a->layers[i].digest = customs_strdup(layers[i]);
	a->distro.id = customs_strdup("debian");
	a->distro.version_id = customs_strdup("12");
	a->distro.pretty_name = customs_strdup("Debian GNU/Linux 12 (bookworm)");
	return a;
}

int th_has_warning(const customs_analysis *a, const char *msg)
{
	for (size_t i = 0; i < a->nwarnings; i++)
		if (!strcmp(a->warnings[i].message, msg))
			return 1;
	for (size_t i = 0; i < a->nwarnings; i++)
		print_message("warning: %s\n", a->warnings[i].message);
	return 0;
}

customs_analysis *th_sbom_read(const char *name, const char *doc, size_t len, const char **format)
{
	customs_analysis *a = NULL;
	if (customs_sbom_read_mem(&a, name, doc, len, NULL, format) < 0)
		fail_msg("read %s: %s", name, customs_error_last());
	return a;
}

void th_sbom_read_fails(const char *name, const char *doc, const char *msg)
{
	customs_analysis *a = NULL;
	assert_true(customs_sbom_read_mem(&a, name, doc, strlen(doc), NULL, NULL) < 0);
	assert_null(a);
	assert_string_equal(customs_error_last(), msg);
}

char *th_report_mem(const customs_report *r, const char *format, size_t *len, int *err)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	assert_non_null(f);
	*err = customs_report_write(f, r, format);
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

json_t *th_json(const char *text, size_t len)
{
	json_error_t e;
	json_t *j = json_loadb(text, len, 0, &e);
	if (!j)
		fail_msg("not JSON: %s at line %d", e.text, e.line);
	return j;
}

const char *th_jstr(json_t *o, const char *path)
{
	char key[128];
	const char *p = path;
	while (o && *p) {
		size_t n = strcspn(p, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		o = json_object_get(o, key);
		p += n + (p[n] == '.');
	}
	return json_string_value(o);
}

/* ---- a vulnerability database ---- */

customs_vulndb_import_summary *th_db_import(const char *dbpath, const customs_vulndb_input *in, size_t n,
					    void (*warn)(void *ud, const char *msg))
{
	customs_vulndb_import_opts o = {CUSTOMS_VULNDB_IMPORT_OPTS_VERSION, warn, NULL, 0, 0, NULL};
	customs_vulndb_import_summary *s = NULL;
	if (customs_vulndb_import(dbpath, in, n, &o, &s) < 0)
		fail_msg("import: %s", customs_error_last());
	return s;
}

customs_vulndb *th_db_open(const char *dbpath)
{
	customs_vulndb *db = NULL;
	if (customs_vulndb_open(&db, dbpath, 1) < 0)
		fail_msg("open: %s", customs_error_last());
	return db;
}

int th_db_remove(customs_vulndb *db, th_dir *d)
{
	customs_vulndb_free(db);
	return th_dir_remove(d) == 0 ? 0 : -1;
}
