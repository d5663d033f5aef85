/* vulndb_import.c - customs_vulndb_import(): recognise each input (OSV JSON
 * file, directory or zip such as osv.dev's per-ecosystem all.zip; Alpine
 * secdb; Debian tracker JSON; NVD CVE API 2.0 JSON; EPSS CSV; CISA KEV
 * JSON; Debian/Ubuntu Packages indexes; any of them gzip-compressed, the
 * indexes also xz, bzip2, lz4 or zstd as apt keeps them) and build the new
 * database in a
 * temporary file next to the target, renamed over it at the end (rename(2)
 * is atomic: readers and a killed import only ever see a whole database). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "util/util.h"
#include "vuln/vulndb.h"

#define MAX_DIR_DEPTH 16
#define DETECT_PREFIX (256u << 10)

enum kind { K_UNKNOWN = 0, K_OSV, K_SECDB, K_TRACKER, K_NVD, K_EPSS, K_KEV, K_PACKAGES, K_ZIP, K_COMPRESSED };

static const char *const kind_names[] = {"unknown", "osv", "alpine-secdb", "debian-tracker", "nvd", "epss", "kev",
					 "packages-index", "zip", "compressed"};

struct imp {
	vulndb__writer *w;
	size_t max_member, max_file;
	customs_buf mbuf;    /* reused for zip members */
	vj_doc doc;          /* reused for OSV records */
	const char *release; /* the current input's customs_vulndb_input.release */
};

/* gzip, xz, bzip2, lz4 (frame) and zstd magic numbers: what libarchive's
 * filters undo (Debian's libarchive is built with all of them) */
static int compressed(const char *b, size_t n)
{
	static const struct {
		const char *m;
		size_t n;
	} magic[] = {{"\x1f\x8b", 2}, {"\xfd" "7zXZ", 5}, {"BZh", 3}, {"\x04\x22\x4d\x18", 4}, {"\x28\xb5\x2f\xfd", 4}};
	for (size_t i = 0; i < sizeof(magic) / sizeof(magic[0]); i++)
		if (n >= magic[i].n && !memcmp(b, magic[i].m, magic[i].n))
			return 1;
	return 0;
}

/* ====================================================================== */
/* Content detection                                                       */
/* ====================================================================== */

struct detect {
	enum kind k;
	const char *buf;
	size_t len;
};

#define DETECT_STOP (-1000)

static int detect_key(void *ud, const char *key, const char *val, size_t vlen)
{
	static const char *const osv[] = {"id", "schema_version", "affected", "modified", "published", "aliases",
					  "withdrawn", "summary", "details", "related", "severity", "references"};
	static const char *const secdb[] = {"apkurl", "archs", "reponame", "urlprefix", "distroversion", "packages"};
	static const char *const nvd[] = {"resultsPerPage", "startIndex", "totalResults", "format", "timestamp"};
	static const char *const kev[] = {"title", "catalogVersion", "dateReleased", "count"};
	struct detect *d = ud;

	for (size_t i = 0; i < sizeof(osv) / sizeof(osv[0]); i++)
		if (!strcmp(key, osv[i]))
			return d->k = K_OSV, DETECT_STOP;
	for (size_t i = 0; i < sizeof(secdb) / sizeof(secdb[0]); i++)
		if (!strcmp(key, secdb[i]))
			return d->k = K_SECDB, DETECT_STOP;
	for (size_t i = 0; i < sizeof(nvd) / sizeof(nvd[0]); i++)
		if (!strcmp(key, nvd[i]))
			return d->k = K_NVD, DETECT_STOP;
	for (size_t i = 0; i < sizeof(kev) / sizeof(kev[0]); i++)
		if (!strcmp(key, kev[i]))
			return d->k = K_KEV, DETECT_STOP;
	if (!strcmp(key, "vulnerabilities")) {
		/* both NVD and KEV: look at the first element */
		const char *c = memmem(val, vlen < 4096 ? vlen : 4096, "\"cveID\"", 7);
		d->k = c ? K_KEV : K_NVD;
		return DETECT_STOP;
	}
	/* The tracker: {package: {CVE: {"releases": ...}}} */
	if (vlen && val[0] == '{' && memmem(val, vlen < 65536 ? vlen : 65536, "\"releases\"", 10))
		d->k = K_TRACKER;
	return DETECT_STOP;
}

/* Kind of a document from its first bytes (buf may be a prefix). */
static enum kind detect(const char *buf, size_t len)
{
	size_t i = 0;

	if (len >= 4 && !memcmp(buf, "PK\3\4", 4))
		return K_ZIP;
	if (len >= 4 && !memcmp(buf, "PK\5\6", 4))
		return K_ZIP; /* empty zip */
	if (compressed(buf, len))
		return K_COMPRESSED;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	if (i >= len)
		return K_UNKNOWN;
	if (len - i >= 14 && !strncmp(buf + i, "#model_version", 14))
		return K_EPSS;
	if (len - i >= 15 && !strncmp(buf + i, "cve,epss,percen", 15))
		return K_EPSS;
	/* deb822: the first stanza of a Packages index starts with its Package */
	if (len - i >= 8 && !strncmp(buf + i, "Package:", 8))
		return K_PACKAGES;
	if (buf[i] == '[')
		return K_OSV; /* a list of OSV records */
	if (buf[i] != '{')
		return K_UNKNOWN;
	/* the first key decides; the scan stops there, so a prefix is enough
	 * unless the first value is longer than the prefix */
	struct detect d = {K_UNKNOWN, buf, len};
	vulndb__json_members(buf + i, len - i, detect_key, &d);
	if (d.k == K_UNKNOWN && memmem(buf, len < 65536 ? len : 65536, "\"releases\"", 10))
		d.k = K_TRACKER;
	return d.k;
}

/* ====================================================================== */
/* Reading                                                                 */
/* ====================================================================== */

static int dispatch(struct imp *im, const char *buf, size_t len, int top);

/* apt's lists: "..._binary-amd64_Packages", "..._Packages.lz4" */
static int is_packages_name(const char *name)
{
	static const char *const ext[] = {"", ".gz", ".xz", ".bz2", ".lz4", ".zst"};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		char want[32];
		snprintf(want, sizeof(want), "Packages%s", ext[i]);
		if (customs_str_has_suffix(name, want))
			return 1;
	}
	return 0;
}

static int is_feed_name(const char *name)
{
	return customs_str_has_suffix(name, ".json") || customs_str_has_suffix(name, ".zip") ||
	       customs_str_has_suffix(name, ".csv") || customs_str_has_suffix(name, ".gz") || is_packages_name(name);
}

/* Decompress a whole compressed file into *out (capped). */
static int read_compressed(struct imp *im, const char *path, customs_buf *out)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char tmp[65536];
	la_ssize_t n;
	int err = 0;

	if (!a)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK || archive_read_next_header(a, &e) != ARCHIVE_OK) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: %s", path, archive_error_string(a));
		goto done;
	}
	while ((n = archive_read_data(a, tmp, sizeof(tmp))) > 0)
		if ((err = customs_buf_put(out, tmp, (size_t)n)) < 0) {
			err = customs__error(CUSTOMS_ELIMIT, "%s: decompressed data larger than the limit of %zu bytes", path,
					     im->max_file);
			goto done;
		}
	if (n < 0) {
		/* truncated: keep what was read, the parsers warn about the end */
		vulndb__warn(im->w, VULNDB__W_FILE, NULL, "compressed data: %s; using the %zu bytes before it",
			     archive_error_string(a), out->len);
	}
done:
	archive_read_free(a);
	return err;
}

static int read_zip(struct imp *im, const char *path, const char *display)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	customs_buf *b = &im->mbuf;
	size_t members = 0;
	char tmp[65536];
	int r, err = 0;

	if (!a)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		vulndb__writer_file(im->w, display);
		vulndb__warn(im->w, VULNDB__W_FILE, NULL, "cannot read the zip: %s; skipped", archive_error_string(a));
		vulndb__writer_stats(im->w)->malformed++;
		goto done;
	}
	for (;;) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_WARN) {
			/* e.g. a name not convertible to the locale: the entry is fine */
		} else if (r != ARCHIVE_OK) {
			vulndb__writer_file(im->w, display);
			vulndb__warn(im->w, VULNDB__W_FILE, NULL,
				     "truncated or corrupt zip: no member after the %zu read (%s); the rest is skipped", members,
				     archive_error_string(a));
			vulndb__writer_stats(im->w)->malformed++;
			break;
		}
		const char *name = archive_entry_pathname_utf8(e);
		if (!name)
			name = archive_entry_pathname(e);
		if (!name)
			name = "?";
		char *disp = customs_asprintf("%s:%s", display, name);
		if (!disp) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			break;
		}
		vulndb__writer_file(im->w, disp);
		free(disp);
		members++;
		if (archive_entry_filetype(e) != AE_IFREG || !(customs_str_has_suffix(name, ".json") || customs_str_has_suffix(name, ".csv"))) {
			archive_read_data_skip(a);
			continue;
		}
		if (archive_entry_size_is_set(e) && archive_entry_size(e) > (la_int64_t)im->max_member) {
			vulndb__warn(im->w, VULNDB__W_FILE, NULL, "member of %lld bytes is over the limit of %zu; skipped",
				     (long long)archive_entry_size(e), im->max_member);
			vulndb__writer_stats(im->w)->malformed++;
			archive_read_data_skip(a);
			continue;
		}
		b->len = 0;
		b->max = im->max_member + 1;
		la_ssize_t n;
		int over = 0;
		while ((n = archive_read_data(a, tmp, sizeof(tmp))) > 0)
			if (customs_buf_put(b, tmp, (size_t)n) < 0) {
				over = 1;
				break;
			}
		if (over) {
			vulndb__warn(im->w, VULNDB__W_FILE, NULL, "member larger than the limit of %zu bytes; skipped", im->max_member);
			vulndb__writer_stats(im->w)->malformed++;
			archive_read_data_skip(a);
			continue;
		}
		if (n < 0) {
			vulndb__warn(im->w, VULNDB__W_FILE, NULL,
				     "truncated or corrupt zip: this member cannot be read (%s); it and the rest are skipped",
				     archive_error_string(a));
			vulndb__writer_stats(im->w)->malformed++;
			break;
		}
		if ((err = dispatch(im, b->ptr ? b->ptr : "", b->len, 0)) < 0)
			break;
	}
done:
	archive_read_free(a);
	if (b->cap > (4u << 20)) {
		/* do not keep a huge member's buffer around */
		customs_buf_release(b);
		b->max = im->max_member + 1;
	}
	return err;
}

/* Set the source's kind from the first content that names it. */
static int note_kind(struct imp *im, enum kind k)
{
	const char *cur = vulndb__writer_kind(im->w);
	if (cur && strcmp(cur, "unknown") && strcmp(cur, "auto"))
		return 0;
	return vulndb__writer_set_kind(im->w, kind_names[k]);
}

/* One document in memory. top: an input named on the command line (an
 * unknown format there is an error, inside a zip or directory a warning). */
static int dispatch(struct imp *im, const char *buf, size_t len, int top)
{
	vulndb__stats *st = vulndb__writer_stats(im->w);
	enum kind k = detect(buf, len);
	json_t *j;
	int err;

	switch (k) {
	case K_OSV:
	case K_SECDB:
	case K_TRACKER:
	case K_NVD:
	case K_EPSS:
	case K_KEV:
	case K_PACKAGES:
		if ((err = note_kind(im, k)) < 0)
			return err;
		break;
	default:
		if (top)
			return customs__error(CUSTOMS_EFORMAT,
					      "%s: not a feed customs reads (OSV JSON or zip, Alpine secdb, Debian tracker JSON, "
					      "NVD JSON, EPSS CSV, KEV JSON, Debian/Ubuntu Packages index)",
					      vulndb__writer_filename(im->w));
		st->malformed++;
		vulndb__warn(im->w, VULNDB__W_FILE, NULL, "not a known feed format; skipped");
		return 0;
	}
	switch (k) {
	case K_OSV:
		return feed__osv_document(im->w, &im->doc, buf, len);
	case K_SECDB:
		if (!(j = vulndb__json_load(im->w, NULL, buf, len))) {
			st->malformed++;
			return 0;
		}
		err = feed__secdb(im->w, j);
		json_decref(j);
		return err;
	case K_TRACKER:
		return feed__debian_tracker(im->w, buf, len);
	case K_NVD:
		return feed__nvd(im->w, buf, len);
	case K_EPSS:
		return feed__epss(im->w, buf, len);
	case K_KEV:
		return feed__kev(im->w, buf, len);
	case K_PACKAGES:
		return feed__packages(im->w, buf, len, im->release);
	default:
		return 0;
	}
}

static int read_magic(const char *path, char *buf, size_t cap, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = 0;
	size_t got = 0;

	if (fd < 0)
		return customs__error(errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s", path, strerror(errno));
	while (got < cap && (r = read(fd, buf + got, cap - got)) > 0)
		got += (size_t)r;
	int e = errno;
	close(fd);
	if (r < 0)
		return customs__error(CUSTOMS_EIO, "%s: %s", path, strerror(e));
	*n = got;
	return 0;
}

static int import_file(struct imp *im, const char *path, const char *display, int top)
{
	char magic[8];
	size_t n;
	int err;

	vulndb__writer_file(im->w, display);
	if ((err = read_magic(path, magic, sizeof(magic), &n)) < 0) {
		if (top)
			return err;
		vulndb__warn(im->w, VULNDB__W_FILE, NULL, "%s", customs_error_last());
		return 0;
	}
	if (n >= 4 && (!memcmp(magic, "PK\3\4", 4) || !memcmp(magic, "PK\5\6", 4)))
		return read_zip(im, path, display);
	customs_buf b = CUSTOMS_BUF_INIT(im->max_file);
	if (compressed(magic, n)) {
		if ((err = read_compressed(im, path, &b)) < 0)
			goto done;
	} else {
		char *data;
		size_t len;
		if ((err = customs_read_file(&data, &len, path, im->max_file)) < 0)
			goto done;
		b.ptr = data, b.len = len, b.cap = len + 1;
	}
	err = dispatch(im, b.ptr ? b.ptr : "", b.len, top);
done:
	customs_buf_release(&b);
	if (err < 0 && !top && err != CUSTOMS_ENOMEM) {
		vulndb__warn(im->w, VULNDB__W_FILE, NULL, "%s; skipped", customs_error_last());
		err = 0;
	}
	return err;
}

static int import_dir(struct imp *im, const char *path, int depth)
{
	struct dirent **list = NULL;
	int n, err = 0;

	if (depth > MAX_DIR_DEPTH) {
		vulndb__writer_file(im->w, path);
		vulndb__warn(im->w, VULNDB__W_FILE, NULL, "directories nested deeper than %d; skipped", MAX_DIR_DEPTH);
		return 0;
	}
	if ((n = scandir(path, &list, NULL, alphasort)) < 0)
		return customs__error(CUSTOMS_EIO, "%s: %s", path, strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		struct stat sb;
		char *full;
		if (err < 0 || name[0] == '.')
			continue;
		if (!(full = customs_asprintf("%s/%s", path, name))) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			continue;
		}
		if (stat(full, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				err = import_dir(im, full, depth + 1);
			else if (S_ISREG(sb.st_mode) && is_feed_name(name))
				err = import_file(im, full, full, 0);
		}
		free(full);
	}
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return err;
}

/* ====================================================================== */
/* Source names                                                            */
/* ====================================================================== */

/* basename without ".gz", then without ".zip"/".json"/".csv". */
static char *stem(const char *path)
{
	char *copy = strdup(path), *b, *r;
	size_t n;

	if (!copy)
		return NULL;
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	b = basename(copy);
	r = strdup(b);
	free(copy);
	if (!r)
		return NULL;
	static const char *const exts[] = {".gz", ".xz", ".bz2", ".lz4", ".zst", ".zip", ".json", ".csv"};
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
			if (customs_str_has_suffix(r, exts[i]) && strlen(r) > strlen(exts[i])) {
				r[strlen(r) - strlen(exts[i])] = '\0';
				break;
			}
	return r;
}

static char *parent_stem(const char *path)
{
	char *copy = strdup(path), *d, *r;
	if (!copy)
		return NULL;
	d = dirname(copy);
	r = stem(!strcmp(d, ".") ? "." : d);
	if (r && (!strcmp(r, ".") || !strcmp(r, "/"))) {
		/* a file in the working directory: use its own name */
		free(r);
		r = stem(path);
	}
	free(copy);
	return r;
}

/* The feed name of an input path (vuln.h, customs_vulndb_input.name). */
static int derive_name(char **out, const char *path, const char **kind)
{
	struct stat sb;
	char *prefix;
	size_t n;
	int err;

	*out = NULL;
	*kind = "unknown";
	if (stat(path, &sb) != 0)
		return customs__error(errno == ENOENT ? CUSTOMS_ENOTFOUND : CUSTOMS_EIO, "%s: %s", path, strerror(errno));
	if (S_ISDIR(sb.st_mode)) {
		*out = stem(path);
		return *out ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	if (!S_ISREG(sb.st_mode))
		return customs__error(CUSTOMS_EINVAL, "%s: not a file or directory", path);
	if (!(prefix = malloc(DETECT_PREFIX)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = read_magic(path, prefix, DETECT_PREFIX, &n)) < 0) {
		free(prefix);
		return err;
	}
	enum kind k = detect(prefix, n);
	free(prefix);
	if (k != K_ZIP && k != K_COMPRESSED)
		*kind = kind_names[k];
	if (k == K_OSV) {
		*out = parent_stem(path);
	} else if (k == K_SECDB) {
		char *p = parent_stem(path), *s = stem(path);
		*out = p && s ? customs_asprintf("alpine-secdb-%s-%s", p, s) : NULL;
		free(p);
		free(s);
	} else {
		*out = stem(path);
	}
	return *out ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

static int valid_source_name(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* "debian:12", "ubuntu:22.04": a name, a colon, a release */
static int valid_release(const char *s)
{
	const char *colon = strchr(s, ':');
	size_t n = strlen(s);
	if (!colon || colon == s || !colon[1] || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(".-_:", s[i]))
			return 0;
	return 1;
}

/* ====================================================================== */
/* The import                                                              */
/* ====================================================================== */

void customs_vulndb_import_summary_free(customs_vulndb_import_summary *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nsources; i++) {
		free((char *)s->sources[i].name);
		free((char *)s->sources[i].kind);
		free((char *)s->sources[i].newest);
	}
	free((void *)s->sources);
	free((char *)s->log_path);
	free(s);
}

static int mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	if (!p)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			int e = errno;
			free(p);
			return customs__error(CUSTOMS_EIO, "cannot create %s: %s", dir, strerror(e));
		}
		*s = '/';
	}
	int r = mkdir(p, 0755);
	int e = errno;
	free(p);
	if (r != 0 && e != EEXIST)
		return customs__error(CUSTOMS_EIO, "cannot create %s: %s", dir, strerror(e));
	return 0;
}

/* Remove temporary files of imports that were killed (we hold the lock). */
static void remove_stale(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *prefix = customs_asprintf("%s.tmp-", base);

	while (d && prefix && (e = readdir(d)))
		if (!strncmp(e->d_name, prefix, strlen(prefix))) {
			char *full = customs_asprintf("%s/%s", dir, e->d_name);
			if (full)
				unlink(full);
			free(full);
		}
	if (d)
		closedir(d);
	free(prefix);
}

/* Copy the feeds of the old database that this import does not replace. */
static int copy_kept(vulndb__writer *w, const char *old, char **replaced, size_t nreplaced,
		     const char *const *drop)
{
	sqlite3 *db = vulndb__writer_db(w);
	sqlite3_stmt *st = NULL;
	int err = 0, version;

	/* ATTACH is refused inside a transaction */
	if ((err = vulndb__exec(db, "COMMIT")) < 0)
		return err;
	if (sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS old", -1, &st, NULL) != SQLITE_OK)
		return customs__error(CUSTOMS_EIO, "vulndb: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, old, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		err = customs__error(CUSTOMS_EIO, "vulndb: cannot read the old database %s: %s", old, sqlite3_errmsg(db));
		vulndb__exec(db, "BEGIN");
		return err;
	}
	if ((err = vulndb__exec(db, "BEGIN")) < 0)
		return err;
	/* schema 1 is schema 2 without the binaries table: its feeds are kept */
	if ((version = vulndb__schema_version(db, "old")) < 1 || version > CUSTOMS_VULNDB_SCHEMA_VERSION) {
		vulndb__writer_file(w, old);
		vulndb__warn(w, VULNDB__W_FILE, NULL,
			     version < 0 ? "not a customs vulnerability database (or empty): nothing of it is kept"
					 : "database schema differs from this customs': its feeds are not kept, import them again");
		goto detach;
	}
	if ((err = vulndb__exec(db, "CREATE TEMP TABLE replaced(name TEXT PRIMARY KEY); CREATE TEMP TABLE keep(id INTEGER PRIMARY KEY);")) < 0)
		goto detach;
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.replaced(name) VALUES(?1)", -1, &st, NULL) != SQLITE_OK) {
		err = customs__error(CUSTOMS_EIO, "vulndb: %s", sqlite3_errmsg(db));
		goto detach;
	}
	for (size_t i = 0; i < nreplaced; i++) {
		sqlite3_bind_text(st, 1, replaced[i], -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	for (size_t i = 0; drop && drop[i]; i++) {
		sqlite3_bind_text(st, 1, drop[i], -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	err = vulndb__exec(db,
		       "INSERT INTO temp.keep(id) SELECT id FROM old.sources WHERE name NOT IN (SELECT name FROM temp.replaced);"
		       "INSERT INTO main.sources SELECT * FROM old.sources WHERE id IN temp.keep;"
		       "INSERT INTO main.vulns SELECT * FROM old.vulns WHERE source IN temp.keep;"
		       "INSERT INTO main.links SELECT * FROM old.links WHERE source IN temp.keep;"
		       "INSERT INTO main.affected SELECT * FROM old.affected WHERE source IN temp.keep;"
		       "INSERT INTO main.blobs SELECT * FROM old.blobs WHERE hash IN"
		       " (SELECT ranges FROM main.affected WHERE ranges IS NOT NULL UNION"
		       "  SELECT versions FROM main.affected WHERE versions IS NOT NULL);"
		       "INSERT INTO main.nvd SELECT * FROM old.nvd WHERE source IN temp.keep;"
		       "INSERT INTO main.epss SELECT * FROM old.epss WHERE source IN temp.keep;"
		       "INSERT INTO main.kev SELECT * FROM old.kev WHERE source IN temp.keep;");
	if (err >= 0 && version >= 2)
		err = vulndb__exec(db, "INSERT INTO main.binaries SELECT * FROM old.binaries WHERE source IN temp.keep;");
	if (err >= 0)
		err = vulndb__exec(db, "DROP TABLE temp.replaced; DROP TABLE temp.keep;");
detach:
	sqlite3_finalize(st);
	/* DETACH needs no open transaction on old: commit and begin again */
	int e2 = vulndb__exec(db, "COMMIT; DETACH DATABASE old; BEGIN");
	return err < 0 ? err : e2;
}

/* The import log beside the database (DBPATH.import.log): every warning of
 * the last import, none left out, where the summary can point to. */
struct import_log {
	char *tmp, *path;
	FILE *f;
};

static int log_open(struct import_log *l, const char *dbpath)
{
	if (!(l->path = customs_asprintf("%s.import.log", dbpath)) || !(l->tmp = customs_asprintf("%s.tmp", l->path)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if (!(l->f = fopen(l->tmp, "w")))
		return customs__error(CUSTOMS_EIO, "%s: %s", l->tmp, strerror(errno));
	return 0;
}

/* Kept when the import warned (replacing the last one's), else removed;
 * its path into the summary. */
static void log_close(struct import_log *l, int64_t nwarnings, customs_vulndb_import_summary *s)
{
	int ok = l->f && fclose(l->f) == 0;
	if (l->tmp && ok && nwarnings > 0 && rename(l->tmp, l->path) == 0) {
		if (s)
			s->log_path = strdup(l->path);
	} else if (l->tmp) {
		unlink(l->tmp);
		if (ok)
			unlink(l->path);
	}
	free(l->tmp);
	free(l->path);
}

int customs_vulndb_import(const char *dbpath, const customs_vulndb_input *inputs, size_t ninputs,
			  const customs_vulndb_import_opts *o, customs_vulndb_import_summary **out)
{
	struct import_log log = {NULL, NULL, NULL};
	int64_t nwarnings = 0;
	struct imp im;
	char **names = NULL, *dircopy = NULL, *basecopy = NULL, *tmp = NULL, *lockpath = NULL;
	const char **kinds = NULL;
	struct timespec t0, t1;
	int err = 0, lockfd = -1, tmpfd = -1, renamed = 0;
	struct stat sb;

	memset(&im, 0, sizeof(im));
	if (out)
		*out = NULL;
	if (!dbpath || (!inputs && ninputs))
		return customs__error(CUSTOMS_EINVAL, "vulndb import: NULL argument");
	if (o && o->version != CUSTOMS_VULNDB_IMPORT_OPTS_VERSION)
		return customs__error(CUSTOMS_EINVAL, "vulndb import: options version %u, this library has %d", o->version,
				      CUSTOMS_VULNDB_IMPORT_OPTS_VERSION);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	im.max_member = o && o->max_member_bytes ? o->max_member_bytes : VULNDB__MAX_MEMBER;
	im.max_file = o && o->max_file_bytes ? o->max_file_bytes : VULNDB__MAX_FILE;
	im.mbuf.max = im.max_member + 1;

	/* Every input must exist and have a name before anything is touched. */
	if (!(names = calloc(ninputs + 1, sizeof(*names))) || !(kinds = calloc(ninputs + 1, sizeof(*kinds)))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < ninputs; i++) {
		const char *kind;
		if (!inputs[i].path) {
			err = customs__error(CUSTOMS_EINVAL, "vulndb import: input %zu has no path", i);
			goto done;
		}
		if ((err = derive_name(&names[i], inputs[i].path, &kind)) < 0)
			goto done;
		kinds[i] = kind;
		if (inputs[i].name) {
			free(names[i]);
			if (!(names[i] = strdup(inputs[i].name))) {
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				goto done;
			}
		}
		if (inputs[i].release && !valid_release(inputs[i].release)) {
			err = customs__error(CUSTOMS_EINVAL, "%s: release \"%.64s\" is not a namespace such as debian:12 or ubuntu:22.04",
					     inputs[i].path, inputs[i].release);
			goto done;
		}
		if (!valid_source_name(names[i])) {
			err = customs__error(CUSTOMS_EINVAL, "%s: feed name \"%.64s\" must be 1-128 printable characters without spaces",
					     inputs[i].path, names[i]);
			goto done;
		}
	}

	/* Lock, clean up after killed imports, make the temporary file. */
	if (!(dircopy = strdup(dbpath)) || !(basecopy = strdup(dbpath))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	const char *dir = dirname(dircopy), *base = basename(basecopy);
	if ((err = mkdir_p(dir)) < 0)
		goto done;
	if (!(lockpath = customs_asprintf("%s.lock", dbpath)) || !(tmp = customs_asprintf("%s.tmp-XXXXXX", dbpath))) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	if ((lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		err = customs__error(CUSTOMS_EIO, "%s: %s", lockpath, strerror(errno));
		goto done;
	}
	if (flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		err = customs__error(CUSTOMS_EIO, "%s: another import or update of this database is running", dbpath);
		goto done;
	}
	remove_stale(dir, base);
	if ((tmpfd = mkstemp(tmp)) < 0) {
		err = customs__error(CUSTOMS_EIO, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	mode_t um = umask(0);
	umask(um);
	fchmod(tmpfd, 0644 & ~um);

	if ((err = vulndb__writer_open(&im.w, tmp, o ? o->warn : NULL, o ? o->ud : NULL)) < 0 ||
	    (err = log_open(&log, dbpath)) < 0)
		goto done;
	vulndb__writer_log(im.w, log.f);
	if (stat(dbpath, &sb) == 0 && sb.st_size > 0 &&
	    (err = copy_kept(im.w, dbpath, names, ninputs, o ? o->drop_sources : NULL)) < 0)
		goto done;

	for (size_t i = 0; i < ninputs; i++) {
		const customs_vulndb_input *in = &inputs[i];
		if ((err = vulndb__writer_source(im.w, names[i], kinds[i], in->url ? in->url : in->path, in->etag,
						 in->last_modified, NULL)) < 0)
			goto done;
		im.release = in->release;
		if (stat(in->path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			char *p = strdup(in->path);
			size_t n = p ? strlen(p) : 0;
			while (n > 1 && p[n - 1] == '/')
				p[--n] = '\0';
			err = p ? import_dir(&im, p, 0) : customs__error(CUSTOMS_ENOMEM, "out of memory");
			free(p);
		} else {
			err = import_file(&im, in->path, in->path, 1);
		}
		if (err < 0)
			goto done;
	}
	if ((err = vulndb__writer_finish(im.w)) < 0)
		goto done;

	/* the summary, before the writer goes */
	if (out) {
		customs_vulndb_import_summary *s = calloc(1, sizeof(*s));
		size_t n = vulndb__writer_nsources(im.w);
		customs_vulndb_import_source *v = calloc(n ? n : 1, sizeof(*v));
		if (!s || !v) {
			free(s);
			free(v);
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto done;
		}
		s->sources = v;
		s->nsources = n;
		s->warnings = vulndb__writer_warnings(im.w);
		for (size_t i = 0; i < n; i++) {
			const char *name, *kind;
			const vulndb__stats *x;
			vulndb__writer_source_at(im.w, i, &name, &kind, &x);
			v[i].name = strdup(name);
			v[i].kind = strdup(kind);
			v[i].newest = x->newest[0] ? strdup(x->newest) : NULL;
			v[i].records = x->records;
			v[i].affected = x->affected;
			v[i].withdrawn = x->withdrawn;
			v[i].empty_package = x->empty_package;
			v[i].git_ranges = x->git_ranges;
			v[i].unknown_ecosystem = x->unknown_ecosystem;
			v[i].malformed = x->malformed;
			v[i].duplicates = x->duplicates;
			v[i].bad_versions = x->bad_versions;
			v[i].not_affected = x->not_affected;
		}
		*out = s;
	}
	nwarnings = vulndb__writer_warnings(im.w);
	vulndb__writer_free(im.w);
	im.w = NULL;

	/* durable, then atomically in place */
	if (fsync(tmpfd) != 0) {
		err = customs__error(CUSTOMS_EIO, "%s: %s", tmp, strerror(errno));
		goto done;
	}
	if (rename(tmp, dbpath) != 0) {
		err = customs__error(CUSTOMS_EIO, "cannot move %s to %s: %s", tmp, dbpath, strerror(errno));
		goto done;
	}
	renamed = 1;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (out && *out)
		(*out)->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
done:
	if (im.w)
		nwarnings = vulndb__writer_warnings(im.w);
	vulndb__writer_free(im.w);
	log_close(&log, nwarnings, out ? *out : NULL);
	customs_buf_release(&im.mbuf);
	vj_release(&im.doc);
	if (tmpfd >= 0)
		close(tmpfd);
	if (tmp && !renamed && tmpfd >= 0)
		unlink(tmp);
	if (err < 0 && out && *out) {
		customs_vulndb_import_summary_free(*out);
		*out = NULL;
	}
	if (lockfd >= 0)
		close(lockfd); /* releases the lock */
	for (size_t i = 0; names && i < ninputs; i++)
		free(names[i]);
	free(names);
	free(kinds);
	free(dircopy);
	free(basecopy);
	free(tmp);
	free(lockpath);
	return err;
}
