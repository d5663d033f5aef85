/* java.c - Java archives (.jar .war .ear .jpi .hpi .par .sar), with the
 * archives nested in them (WAR WEB-INF/lib, Spring Boot BOOT-INF/lib, jars
 * in jars) to any depth up to the cap below.
 *
 * Identity of one archive, in this order:
 *   1. every META-INF/maven/<g>/<a>/pom.properties: one package each
 *      (groupId, artifactId, version); the one whose artifactId matches the
 *      file name (or the only one) is the main package ("main": true) and
 *      gets the manifest's licenses;
 *   2. else META-INF/MANIFEST.MF (main section, 72-byte continuation lines
 *      unfolded): version from Implementation-Version, Bundle-Version or
 *      Specification-Version; name from the file name when it carries a
 *      version ("name-1.2.3.jar"), else Implementation-Title,
 *      Bundle-SymbolicName, Specification-Title; group from
 *      Implementation-Vendor-Id;
 *   3. else the file name "name-1.2.3.jar".
 * An archive with no version anywhere gives no package (a WAR without
 * identity still gives its nested jars).  Type "java-archive", purl
 * pkg:maven/<group>/<artifact>@<version>; an unknown group is the artifact
 * name (as syft does) with metadata "group_guessed": true.  db_path is the
 * archive's path in the image, metadata "location" the archive itself
 * ("app/x.war!/WEB-INF/lib/y.jar" for nested ones).  Licenses, as the
 * archive states them (SPDX where a name or URL is one, else the name):
 * the main package's from MANIFEST.MF (Bundle-License, License), else from
 * its embedded pom.xml's <licenses> (java_pom.c), else what the text of
 * META-INF/LICENSE[.txt|.md] is (license/classify.c); the other packages'
 * from their pom.xml.
 *
 * Reading: the stream is spooled into RAM up to JAVA_RAM_CAP (shared by an
 * archive and all archives nested in it), then into an anonymous temp file
 * (O_TMPFILE, or tmpfile(): never a named file left behind); at
 * stream_close the central directory is read with libarchive's seekable
 * zip reader and only MANIFEST.MF, pom.properties, pom.xml, META-INF/LICENSE
 * and nested archives are inflated; nested archives are spooled the same way and read recursively.
 *
 * Caps (hostile input), each hit is a warning naming the path (nested path
 * included) and the layer, and what was found before it is still reported:
 *   JAVA_MAX_DEPTH     8 levels of nesting below the top-level archive
 *   JAVA_MAX_EXPANDED  1 GiB inflated per top-level archive, all levels
 *   JAVA_MAX_MEMBERS   100,000 members per archive
 *   JAVA_MAX_ARCHIVE   2 GiB per archive (top-level file or nested member)
 *   JAVA_MAX_META      1 MiB per MANIFEST.MF / pom.properties / pom.xml / LICENSE
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "license/license.h"
#include "customs/purl.h"
#include "util/util.h"

#define JAVA_RAM_CAP (8u << 20)
#define JAVA_MAX_DEPTH 8
#define JAVA_MAX_EXPANDED (1ull << 30)
#define JAVA_MAX_MEMBERS 100000u
#define JAVA_MAX_ARCHIVE (2ull << 30)
#define JAVA_MAX_META (1u << 20)

static const char *const suffixes[] = {".jar", ".war", ".ear", ".jpi", ".hpi", ".par", ".sar", NULL};

/* ---- bounded spool: RAM, then an anonymous temp file ---- */

typedef struct spool {
	unsigned char *mem;
	size_t len, cap;
	int owned;         /* mem is ours (else borrowed, read-only) */
	int fd;            /* -1 until spilled */
	uint64_t size;
	size_t *ram_left;  /* RAM budget shared with nested spools */
} spool;

static void spool_init(spool *s, size_t *ram_left)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->owned = 1;
	s->ram_left = ram_left;
}

static void spool_release(spool *s)
{
	if (s->owned) {
		free(s->mem);
		*s->ram_left += s->cap;
	}
	if (s->fd >= 0)
		close(s->fd);
	spool_init(s, s->ram_left);
}

static int anon_tmpfile(void)
{
	const char *dir = getenv("TMPDIR");
	int fd = -1;
#ifdef O_TMPFILE
	fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && dir && *dir)
		fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
	if (fd < 0) {
		FILE *f = tmpfile(); /* unlinked at once by the C library */
		if (!f)
			return -1;
		fd = dup(fileno(f));
		fclose(f);
	}
	return fd;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return customs__error(CUSTOMS_EIO, "writing the java spool file: %s", strerror(errno));
		}
		p += w, n -= (size_t)w;
	}
	return 0;
}

static int spool_spill(spool *s)
{
	if ((s->fd = anon_tmpfile()) < 0)
		return customs__error(CUSTOMS_EIO, "no temporary file for a java archive: %s", strerror(errno));
	int err = s->len ? write_all(s->fd, s->mem, s->len) : 0;
	free(s->mem);
	*s->ram_left += s->cap;
	s->mem = NULL;
	s->len = s->cap = 0;
	return err;
}

static int spool_write(spool *s, const unsigned char *p, size_t n)
{
	if (s->size + n > JAVA_MAX_ARCHIVE)
		return customs__error(CUSTOMS_ELIMIT, "over the 2 GiB archive limit");
	if (s->fd < 0 && s->len + n > s->cap) {
		size_t want = s->cap ? s->cap * 2 : 64u << 10;
		while (want < s->len + n)
			want *= 2;
		if (want - s->cap <= *s->ram_left) {
			unsigned char *m = realloc(s->mem, want);
			if (!m)
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
			*s->ram_left -= want - s->cap;
			s->mem = m;
			s->cap = want;
		} else {
			int err = spool_spill(s);
			if (err < 0)
				return err;
		}
	}
	if (s->fd >= 0) {
		int err = write_all(s->fd, p, n);
		if (err < 0)
			return err;
	} else if (n) {
		memcpy(s->mem + s->len, p, n);
		s->len += n;
	}
	s->size += n;
	return 0;
}

static int spool_pread(const spool *s, uint64_t off, unsigned char *dst, size_t n)
{
	if (off > s->size || n > s->size - off)
		return -1;
	if (s->fd < 0) {
		memcpy(dst, s->mem + off, n);
		return 0;
	}
	while (n) {
		ssize_t r = pread(s->fd, dst, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		dst += r, n -= (size_t)r, off += (uint64_t)r;
	}
	return 0;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Members the end-of-central-directory record announces (ZIP64 too), or
 * -1 when there is no EOCD (not a zip). */
static int64_t zip_member_count(const spool *s)
{
	size_t tail = s->size < 65557 ? (size_t)s->size : 65557;
	if (tail < 22)
		return -1;
	unsigned char *b = malloc(tail);
	int64_t count = -1;
	if (!b || spool_pread(s, s->size - tail, b, tail) < 0)
		goto done;
	for (size_t i = tail - 22 + 1; i-- > 0;) {
		if (le32(b + i) != 0x06054b50)
			continue;
		count = le16(b + i + 10);
		if (count == 0xFFFF && i >= 20 && le32(b + i - 20) == 0x07064b50) {
			unsigned char z[56];
			uint64_t off = le64(b + i - 20 + 8);
			if (spool_pread(s, off, z, sizeof(z)) == 0 && le32(z) == 0x06064b50)
				count = le64(z + 32) > INT64_MAX ? INT64_MAX : (int64_t)le64(z + 32);
		}
		break;
	}
done:
	free(b);
	return count;
}

/* ---- MANIFEST.MF and pom.properties ---- */

static int put_str(json_t *o, const char *key, size_t kl, const char *v, size_t vl)
{
	char *k = customs_strndup(key, kl);
	json_t *s = json_stringn(v, vl);
	int err = 0;
	if (!k || !s)
		err = !k ? CUSTOMS_ENOMEM : 0; /* invalid UTF-8: the header is dropped */
	else if (json_object_set_new(o, k, s) < 0)
		err = CUSTOMS_ENOMEM, s = NULL;
	else
		s = NULL;
	json_decref(s);
	free(k);
	return err;
}

int customs__java_parse_manifest(json_t **out, const char *buf, size_t len)
{
	json_t *o = json_object();
	customs_buf val = {0};
	const char *key = NULL;
	size_t kl = 0;
	int err = 0, seen = 0;
	*out = NULL;
	if (!o)
		return CUSTOMS_ENOMEM;
	size_t i = 0;
	while (i <= len) {
		if (i == len) {
			if (key && (err = put_str(o, key, kl, val.len ? val.ptr : "", val.len)) < 0)
				goto done;
			break;
		}
		/* one physical line: [i, e) */
		size_t e = i;
		while (e < len && buf[e] != '\n' && buf[e] != '\r')
			e++;
		const char *l = buf + i;
		size_t ll = e - i;
		if (ll && l[0] == ' ') {
			if (key && (err = customs_buf_put(&val, l + 1, ll - 1)) < 0)
				goto done;
		} else {
			if (key && (err = put_str(o, key, kl, val.len ? val.ptr : "", val.len)) < 0)
				goto done;
			key = NULL;
			val.len = 0;
			if (ll == 0 && seen)
				break; /* end of the main section */
			const char *c = ll ? memchr(l, ':', ll) : NULL;
			if (c && c > l) {
				key = l;
				kl = (size_t)(c - l);
				const char *v = c + 1;
				if (v < l + ll && *v == ' ')
					v++;
				if ((err = customs_buf_put(&val, v, (size_t)(l + ll - v))) < 0)
					goto done;
				seen = 1;
			}
		}
		if (e < len && buf[e] == '\r' && e + 1 < len && buf[e + 1] == '\n')
			e++;
		i = e < len ? e + 1 : len;
	}
done:
	customs_buf_release(&val);
	if (err < 0) {
		json_decref(o);
		return err;
	}
	*out = o;
	return 0;
}

/* Case-insensitive header lookup; NULL when absent or empty. */
static const char *mf_get(json_t *mf, const char *key)
{
	const char *k;
	json_t *v;
	if (!mf)
		return NULL;
	json_object_foreach(mf, k, v) {
		if (!strcasecmp(k, key)) {
			const char *s = json_string_value(v);
			return s && *s ? s : NULL;
		}
	}
	return NULL;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int put_utf8(customs_buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp < 0x80)
		u[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
	else
		u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
		u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
	return customs_buf_put(b, u, n);
}

/* Java .properties: comments (# !), key=value / key: value / key value,
 * backslash escapes and line continuations. */
int customs__java_parse_properties(json_t **out, const char *buf, size_t len)
{
	json_t *o = json_object();
	customs_buf k = {0}, v = {0};
	int err = 0;
	size_t i = 0;
	*out = NULL;
	if (!o)
		return CUSTOMS_ENOMEM;
	while (i < len) {
		while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\f'))
			i++;
		if (i < len && (buf[i] == '#' || buf[i] == '!')) {
			while (i < len && buf[i] != '\n' && buf[i] != '\r')
				i++;
			continue;
		}
		if (i < len && (buf[i] == '\n' || buf[i] == '\r')) {
			i++;
			continue;
		}
		k.len = v.len = 0;
		customs_buf *cur = &k;
		int in_key = 1, skip_ws = 0;
		while (i < len && buf[i] != '\n' && buf[i] != '\r') {
			char c = buf[i++];
			if (skip_ws && (c == ' ' || c == '\t' || c == '\f'))
				continue;
			if (in_key && (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f')) {
				in_key = 0;
				cur = &v;
				skip_ws = 1;
				if (c != '=' && c != ':') {
					/* "key   = value" */
					while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\f'))
						i++;
					if (i < len && (buf[i] == '=' || buf[i] == ':'))
						i++;
				}
				continue;
			}
			skip_ws = 0;
			if (c != '\\') {
				if ((err = customs_buf_put(cur, &c, 1)) < 0)
					goto done;
				continue;
			}
			if (i >= len)
				break;
			c = buf[i++];
			if (c == '\r' || c == '\n') { /* continuation */
				if (c == '\r' && i < len && buf[i] == '\n')
					i++;
				while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\f'))
					i++;
				continue;
			}
			if (c == 'u') {
				unsigned cp = 0;
				int okh = i + 4 <= len;
				for (int d = 0; okh && d < 4; d++) {
					int h = hexval((unsigned char)buf[i + (size_t)d]);
					if (h < 0)
						okh = 0;
					else
						cp = cp << 4 | (unsigned)h;
				}
				if (okh) {
					i += 4;
					if ((err = put_utf8(cur, cp)) < 0)
						goto done;
					continue;
				}
			}
			c = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c == 'f' ? '\f' : c;
			if ((err = customs_buf_put(cur, &c, 1)) < 0)
				goto done;
		}
		if (k.len && (err = put_str(o, k.ptr, k.len, v.len ? v.ptr : "", v.len)) < 0)
			goto done;
	}
done:
	customs_buf_release(&k);
	customs_buf_release(&v);
	if (err < 0) {
		json_decref(o);
		return err;
	}
	*out = o;
	return 0;
}

/* ---- the archive reader ---- */

typedef struct jscan {
	customs_parse_warn_fn warn;
	void *ud;
	uint64_t expanded;   /* bytes inflated, all levels */
	int stopped;         /* the expanded-bytes cap was hit */
	size_t ram_left;
	unsigned char *io;   /* 64 KiB read buffer */
	customs_pkgvec out;
	int err;             /* ENOMEM */
} jscan;

#define IO_SIZE (64u << 10)

static void jwarn(jscan *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void jwarn(jscan *j, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (j->warn)
		j->warn(j->ud, 0, msg);
}

static int has_suffix_ci(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n > m && !strcasecmp(s + n - m, suf);
}

static int is_archive_name(const char *p)
{
	for (int i = 0; suffixes[i]; i++)
		if (has_suffix_ci(p, suffixes[i]))
			return 1;
	return 0;
}

/* META-INF/maven/<g>/<a>/<file> */
static int is_maven_file(const char *p, const char *file)
{
	if (strncmp(p, "META-INF/maven/", 15))
		return 0;
	const char *g = p + 15, *s1 = strchr(g, '/');
	if (!s1 || s1 == g)
		return 0;
	const char *s2 = strchr(s1 + 1, '/');
	return s2 && s2 > s1 + 1 && !strcmp(s2 + 1, file);
}

enum { M_NONE, M_MANIFEST, M_POM, M_POMXML, M_LICENSE, M_NESTED };

static int classify(const char *p)
{
	if (!strcasecmp(p, "META-INF/MANIFEST.MF"))
		return M_MANIFEST;
	if (is_maven_file(p, "pom.properties"))
		return M_POM;
	if (is_maven_file(p, "pom.xml"))
		return M_POMXML;
	if (!strcasecmp(p, "META-INF/LICENSE") || !strcasecmp(p, "META-INF/LICENSE.txt") ||
	    !strcasecmp(p, "META-INF/LICENSE.md"))
		return M_LICENSE;
	if (p[strlen(p) - 1] != '/' && is_archive_name(p))
		return M_NESTED;
	return M_NONE;
}

enum { RD_OK = 0, RD_CORRUPT = 1, RD_BUDGET = 2, RD_TOOBIG = 3 };

/* Inflate the current member into dst (at most max bytes) or, when dst is
 * NULL, into a malloc'd buffer *mem of at most max bytes. */
static int read_member(jscan *j, struct archive *a, spool *dst, char **mem, size_t *mlen, uint64_t max)
{
	uint64_t got = 0;
	customs_buf b = {0};
	for (;;) {
		la_ssize_t n = archive_read_data(a, j->io, IO_SIZE);
		if (n == 0)
			break;
		if (n < 0) {
			customs_buf_release(&b);
			return RD_CORRUPT;
		}
		if (j->expanded + (uint64_t)n > JAVA_MAX_EXPANDED) {
			customs_buf_release(&b);
			return RD_BUDGET;
		}
		j->expanded += (uint64_t)n;
		got += (uint64_t)n;
		if (got > max) {
			customs_buf_release(&b);
			return RD_TOOBIG;
		}
		int err = dst ? spool_write(dst, j->io, (size_t)n) : customs_buf_put(&b, j->io, (size_t)n);
		if (err < 0) {
			customs_buf_release(&b);
			if (err == CUSTOMS_ENOMEM)
				j->err = err;
			return RD_CORRUPT;
		}
	}
	if (!dst) {
		*mlen = b.len;
		if (!(*mem = customs_buf_detach(&b))) {
			j->err = CUSTOMS_ENOMEM;
			return RD_CORRUPT;
		}
	}
	return RD_OK;
}

static void budget_warn(jscan *j, const char *loc, const char *member)
{
	if (!j->stopped)
		jwarn(j, "%s!/%s: over the limit of 1 GiB inflated per archive (zip bomb?): the rest is not read", loc,
		      member);
	j->stopped = 1;
}

/* One license as a package states it: SPDX when it is an expression or a
 * known spelling, else what its URL names, else as it is. */
static int add_license(customs_strlist *out, const char *s, size_t n, const char *url)
{
	char *item = customs_utf8_strndup(s, n), *id = NULL;
	int err = 0;
	if (!item)
		return CUSTOMS_ENOMEM;
	if (*item && !(id = customs__spdx_normalize(item))) {
		customs_error_clear();
		const char *u = customs__license_url_id(url ? url : item);
		id = customs_strdup(u ? u : item);
		if (!id)
			err = CUSTOMS_ENOMEM;
	}
	if (id && !customs_strlist_contains(out, id) && customs_strlist_add(out, id) < 0)
		err = CUSTOMS_ENOMEM;
	free(id);
	free(item);
	return err;
}

/* OSGi Bundle-License: "<<EXTERNAL>>" | license ("," license)*, license =
 * name (";" attribute)*, a name being an SPDX id or a URL, quoted when it
 * holds a comma; "link" is the license's URL.  Values that are one
 * license's name with commas in it ("Apache License, Version 2.0") are
 * taken whole first. */
static int bundle_license(customs_strlist *out, const char *v)
{
	char *whole = customs__spdx_normalize(v);
	if (whole && !strchr(whole, ' ')) {
		int err = customs_strlist_contains(out, whole) ? 0 : customs_strlist_add(out, whole);
		free(whole);
		return err < 0 ? CUSTOMS_ENOMEM : 0;
	}
	free(whole);
	customs_error_clear();
	if (!strcmp(v, "<<EXTERNAL>>"))
		return 0;
	while (*v) {
		while (*v == ' ' || *v == ',')
			v++;
		const char *s = v, *e;
		size_t n;
		if (*v == '"') {
			s = ++v;
			e = strchr(v, '"');
			n = e ? (size_t)(e - s) : strlen(s);
			v = e ? e + 1 : s + n;
		} else {
			n = strcspn(v, ",;");
			v += n;
		}
		/* the attributes, up to the next license */
		const char *link = NULL;
		size_t link_n = 0;
		while (*v == ';') {
			v++;
			while (*v == ' ')
				v++;
			const char *a = v;
			size_t an = 0;
			int q = 0;
			while (a[an] && (q || (a[an] != ';' && a[an] != ',')))
				q ^= a[an++] == '"';
			if (an > 5 && !strncmp(a, "link=", 5))
				link = a + 5, link_n = an - 5;
			v = a + an;
		}
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (!n)
			continue;
		char *url = NULL;
		if (link) {
			if (*link == '"' && link_n >= 2)
				link++, link_n -= 2;
			if (!(url = customs_strndup(link, link_n)))
				return CUSTOMS_ENOMEM;
		}
		int err = add_license(out, s, n, url);
		free(url);
		if (err < 0)
			return err;
	}
	return 0;
}

int customs__java_manifest_licenses(customs_strlist *out, const json_t *mf)
{
	const char *bl = mf_get((json_t *)mf, "Bundle-License"), *l = mf_get((json_t *)mf, "License");
	int err = bl ? bundle_license(out, bl) : 0;
	if (err == 0 && l)
		err = add_license(out, l, strlen(l), NULL);
	return err;
}

static char *trimmed(const char *s)
{
	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return customs_strndup(s, n);
}

static int no_space(const char *s)
{
	for (; s && *s; s++)
		if (isspace((unsigned char)*s))
			return 0;
	return 1;
}

/* One package; takes nothing, copies everything. */
static int make_pkg(jscan *j, const char *group, const char *artifact, const char *version, const char *loc,
		    const char *pom_path, json_t *mf, int main_pkg, const customs_strlist *lic)
{
	customs_package *p = customs_package_new();
	if (!p)
		return CUSTOMS_ENOMEM;
	int guessed = !group || !*group;
	const char *g = guessed ? artifact : group;
	if (!(p->name = customs_strdup(artifact)) || !(p->version = customs_strdup(version)) ||
	    !(p->type = customs_strdup("java-archive")) || !(p->metadata = json_object()))
		goto nomem;
	p->purl = customs_purl_make("maven", g, artifact, version, NULL, NULL);
	json_t *md = p->metadata;
	if (json_object_set_new(md, "location", json_string(loc)) < 0 ||
	    json_object_set_new(md, "group_id", json_string(g)) < 0 ||
	    json_object_set_new(md, "artifact_id", json_string(artifact)) < 0)
		goto nomem;
	if (guessed && json_object_set_new(md, "group_guessed", json_true()) < 0)
		goto nomem;
	if (pom_path && (json_object_set_new(md, "pom_properties", json_string(pom_path)) < 0 ||
			 json_object_set_new(md, "main", json_boolean(main_pkg)) < 0))
		goto nomem;
	if (main_pkg && mf) {
		static const char *const keep[] = {
			"Implementation-Title", "Implementation-Version", "Implementation-Vendor",
			"Implementation-Vendor-Id", "Specification-Title", "Specification-Version",
			"Specification-Vendor", "Bundle-SymbolicName", "Bundle-Version", "Bundle-Name",
			"Bundle-License", "License", "Automatic-Module-Name", "Main-Class", "Start-Class", NULL,
		};
		json_t *m = json_object();
		if (!m || json_object_set_new(md, "manifest", m) < 0)
			goto nomem;
		for (int i = 0; keep[i]; i++) {
			const char *v = mf_get(mf, keep[i]);
			if (v && json_object_set_new(m, keep[i], json_string(v)) < 0)
				goto nomem;
		}
	}
	for (size_t i = 0; lic && i < lic->n; i++)
		if (customs_strlist_add(&p->licenses, lic->v[i]) < 0)
			goto nomem;
	return customs__pkgvec_push(&j->out, p);
nomem:
	customs_package_free(p);
	return CUSTOMS_ENOMEM;
}

/* "commons-lang3-3.12.0" -> art "commons-lang3", ver "3.12.0" (ver NULL
 * when the name carries no version). */
static void split_stem(const char *stem, char **art, char **ver)
{
	*art = *ver = NULL;
	for (const char *p = stem; *p; p++)
		if (*p == '-' && isdigit((unsigned char)p[1]) && p > stem) {
			*art = customs_strndup(stem, (size_t)(p - stem));
			*ver = customs_strdup(p + 1);
			return;
		}
	*art = customs_strdup(stem);
}

typedef struct pominfo {
	char *path;
	json_t *props;
} pominfo;

/* What an archive says of its licenses: the manifest's headers, each
 * pom.xml's <licenses> (by its META-INF/maven/<g>/<a>/ folder), the text
 * of META-INF/LICENSE*. */
typedef struct pomlic {
	char *dir;
	customs_strlist lic;
} pomlic;

typedef struct jlicenses {
	customs_strlist manifest, file;
	pomlic *xml;
	size_t nxml;
} jlicenses;

static void jlicenses_release(jlicenses *l)
{
	customs_strlist_release(&l->manifest);
	customs_strlist_release(&l->file);
	for (size_t i = 0; i < l->nxml; i++)
		free(l->xml[i].dir), customs_strlist_release(&l->xml[i].lic);
	free(l->xml);
}

/* A package's licenses: for the archive's main package its manifest's,
 * else its pom.xml's (the only pom.xml's when it has no pom.properties),
 * else what META-INF/LICENSE says; for the others their pom.xml's. */
static const customs_strlist *pkg_licenses(const jlicenses *l, const char *pom_path, int main_pkg)
{
	if (main_pkg && l->manifest.n)
		return &l->manifest;
	const pomlic *x = !pom_path && l->nxml == 1 ? &l->xml[0] : NULL;
	for (size_t i = 0; pom_path && i < l->nxml && !x; i++) {
		size_t dl = strlen(l->xml[i].dir);
		if (!strncmp(pom_path, l->xml[i].dir, dl) && !strcmp(pom_path + dl, "pom.properties"))
			x = &l->xml[i];
	}
	if (x && x->lic.n)
		return &x->lic;
	return main_pkg ? &l->file : NULL;
}

static int identify(jscan *j, const char *loc, const char *base, json_t *mf, pominfo *poms, size_t npoms,
		    const jlicenses *lic)
{
	int err = 0;
	char *stem = customs_strdup(base), *fart = NULL, *fver = NULL;
	if (!stem)
		return CUSTOMS_ENOMEM;
	char *dot = strrchr(stem, '.');
	if (dot && dot != stem)
		*dot = '\0';
	split_stem(stem, &fart, &fver);
	if (!fart) {
		err = CUSTOMS_ENOMEM;
		goto done;
	}
	/* 1. pom.properties */
	size_t valid = 0, main_i = (size_t)-1, only = 0;
	for (size_t i = 0; i < npoms; i++) {
		const char *g = json_string_value(json_object_get(poms[i].props, "groupId"));
		const char *a = json_string_value(json_object_get(poms[i].props, "artifactId"));
		const char *v = json_string_value(json_object_get(poms[i].props, "version"));
		const char *miss = !a || !*a ? "artifactId" : !v || !*v ? "version" : !g || !*g ? "groupId" : NULL;
		if (miss) {
			jwarn(j, "%s!/%s: no %s: not reported", loc, poms[i].path, miss);
			json_decref(poms[i].props);
			poms[i].props = NULL;
			continue;
		}
		valid++;
		only = i;
		if (main_i == (size_t)-1 && (!strcmp(a, fart) || !strcmp(a, stem)))
			main_i = i;
	}
	if (main_i == (size_t)-1 && valid == 1)
		main_i = only;
	if (valid) {
		for (size_t i = 0; i < npoms && !err; i++) {
			if (!poms[i].props)
				continue;
			char *g = trimmed(json_string_value(json_object_get(poms[i].props, "groupId")));
			char *a = trimmed(json_string_value(json_object_get(poms[i].props, "artifactId")));
			char *v = trimmed(json_string_value(json_object_get(poms[i].props, "version")));
			if (!g || !a || !v)
				err = CUSTOMS_ENOMEM;
			else
				err = make_pkg(j, g, a, v, loc, poms[i].path, mf, i == main_i,
					       pkg_licenses(lic, poms[i].path, i == main_i));
			free(g), free(a), free(v);
		}
		goto done;
	}
	/* 2. MANIFEST.MF, 3. the file name */
	const char *ver = mf_get(mf, "Implementation-Version");
	if (!ver)
		ver = mf_get(mf, "Bundle-Version");
	if (!ver)
		ver = mf_get(mf, "Specification-Version");
	if (!ver)
		ver = fver;
	if (!ver)
		goto done; /* no identity: nothing to report */
	const char *name = NULL;
	char *bsn = NULL;
	if (!fver) {
		const char *t = mf_get(mf, "Implementation-Title");
		const char *b = mf_get(mf, "Bundle-SymbolicName");
		const char *s = mf_get(mf, "Specification-Title");
		if (t && no_space(t))
			name = t;
		else if (b && (bsn = customs_strndup(b, strcspn(b, ";"))) && *bsn)
			name = bsn;
		else if (s && no_space(s))
			name = s;
	}
	if (!name)
		name = fart;
	char *n = trimmed(name), *v = trimmed(ver), *g = trimmed(mf_get(mf, "Implementation-Vendor-Id"));
	if (!n || !v)
		err = CUSTOMS_ENOMEM;
	else if (*n && *v)
		err = make_pkg(j, g, n, v, loc, NULL, mf, 1, pkg_licenses(lic, NULL, 1));
	free(n), free(v), free(g), free(bsn);
done:
	free(stem), free(fart), free(fver);
	return err;
}

static void scan_archive(jscan *j, spool *s, const char *loc, int depth);

static void scan_nested(jscan *j, struct archive *a, const char *loc, const char *member, int depth)
{
	char *child_loc = customs_asprintf("%s!/%s", loc, member);
	spool child;
	if (!child_loc) {
		j->err = CUSTOMS_ENOMEM;
		return;
	}
	spool_init(&child, &j->ram_left);
	int r = read_member(j, a, &child, NULL, NULL, JAVA_MAX_ARCHIVE);
	if (r == RD_BUDGET)
		budget_warn(j, loc, member);
	else if (r == RD_CORRUPT && !j->err)
		jwarn(j, "%s: cannot inflate: %s", child_loc, archive_error_string(a) ? archive_error_string(a) : "read error");
	else if (r == RD_TOOBIG)
		jwarn(j, "%s: over the 2 GiB archive limit: not read", child_loc);
	else
		scan_archive(j, &child, child_loc, depth);
	spool_release(&child);
	free(child_loc);
}

typedef struct pom_warn_ctx {
	jscan *j;
	const char *loc, *member;
} pom_warn_ctx;

static void pom_warn(void *ud, size_t line, const char *msg)
{
	pom_warn_ctx *w = ud;
	jwarn(w->j, "%s!/%s line %zu: %s", w->loc, w->member, line, msg);
}

/* A pom.xml's or a LICENSE file's licenses into l (buf is consumed). */
static int read_license_member(jscan *j, jlicenses *l, const char *loc, const char *member, int kind, char *buf,
			       size_t len)
{
	int err;
	if (kind == M_LICENSE) {
		err = customs__license_classify(&l->file, buf, len);
		free(buf);
		return err;
	}
	pomlic *nx = realloc(l->xml, (l->nxml + 1) * sizeof(*nx));
	if (!nx) {
		free(buf);
		return CUSTOMS_ENOMEM;
	}
	l->xml = nx;
	pomlic *x = &l->xml[l->nxml];
	memset(x, 0, sizeof(*x));
	if (!(x->dir = customs_strndup(member, strlen(member) - strlen("pom.xml")))) {
		free(buf);
		return CUSTOMS_ENOMEM;
	}
	l->nxml++;
	pom_warn_ctx w = {j, loc, member};
	err = customs__java_parse_pom_licenses(&x->lic, buf, len, pom_warn, &w);
	free(buf);
	return err == CUSTOMS_EFORMAT ? 0 : err;
}

static void scan_archive(jscan *j, spool *s, const char *loc, int depth)
{
	json_t *mf = NULL;
	pominfo *poms = NULL;
	size_t npoms = 0;
	jlicenses lic;
	memset(&lic, 0, sizeof(lic));
	struct archive *a = NULL;
	const char *base = strrchr(loc, '/');
	base = base ? base + 1 : loc;

	int64_t count = zip_member_count(s);
	if (count < 0) {
		jwarn(j, "%s: not a zip archive (no end of central directory record)", loc);
		return;
	}
	if ((uint64_t)count > JAVA_MAX_MEMBERS) {
		jwarn(j, "%s: %lld members, over the limit of %u per archive: not read", loc, (long long)count,
		      JAVA_MAX_MEMBERS);
		return;
	}
	if (!(a = archive_read_new())) {
		j->err = CUSTOMS_ENOMEM;
		return;
	}
	archive_read_support_format_zip_seekable(a);
	int r;
	if (s->fd >= 0) {
		lseek(s->fd, 0, SEEK_SET);
		r = archive_read_open_fd(a, s->fd, IO_SIZE);
	} else {
		r = archive_read_open_memory(a, s->mem, s->len);
	}
	if (r != ARCHIVE_OK) {
		jwarn(j, "%s: corrupt zip archive: %s", loc, archive_error_string(a) ? archive_error_string(a) : "unreadable");
		goto done;
	}
	struct archive_entry *e;
	size_t members = 0;
	while (!j->err && !j->stopped) {
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_FATAL) {
			jwarn(j, "%s: corrupt zip archive: %s", loc,
			      archive_error_string(a) ? archive_error_string(a) : "unreadable");
			break;
		}
		if (++members > JAVA_MAX_MEMBERS) {
			jwarn(j, "%s: over the limit of %u members per archive: the rest is not read", loc,
			      JAVA_MAX_MEMBERS);
			break;
		}
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			continue;
		const char *p = archive_entry_pathname(e);
		if (!p)
			p = archive_entry_pathname_utf8(e);
		if (!p || !*p || archive_entry_filetype(e) != AE_IFREG)
			continue;
		int kind = classify(p);
		if (kind == M_NONE)
			continue;
		if (archive_entry_size_is_set(e) && (uint64_t)archive_entry_size(e) > JAVA_MAX_EXPANDED - j->expanded) {
			budget_warn(j, loc, p);
			break;
		}
		if (kind == M_NESTED) {
			if (depth >= JAVA_MAX_DEPTH) {
				jwarn(j, "%s!/%s: archive nested more than %d levels deep: not read", loc, p,
				      JAVA_MAX_DEPTH);
				continue;
			}
			char *member = customs_strdup(p);
			if (!member) {
				j->err = CUSTOMS_ENOMEM;
				break;
			}
			scan_nested(j, a, loc, member, depth + 1);
			free(member);
			continue;
		}
		char *buf = NULL;
		size_t len = 0;
		int rr = read_member(j, a, NULL, &buf, &len, JAVA_MAX_META);
		if (rr == RD_BUDGET) {
			budget_warn(j, loc, p);
			break;
		}
		if (rr == RD_TOOBIG) {
			jwarn(j, "%s!/%s: over the 1 MiB limit: not read", loc, p);
			continue;
		}
		if (rr == RD_CORRUPT) {
			if (!j->err)
				jwarn(j, "%s!/%s: cannot inflate: %s", loc, p,
				      archive_error_string(a) ? archive_error_string(a) : "read error");
			continue;
		}
		if (kind == M_POMXML || kind == M_LICENSE) {
			int err = read_license_member(j, &lic, loc, p, kind, buf, len);
			if (err < 0) {
				j->err = err;
				break;
			}
			continue;
		}
		json_t *o = NULL;
		int err = kind == M_MANIFEST ? customs__java_parse_manifest(&o, buf, len)
					     : customs__java_parse_properties(&o, buf, len);
		free(buf);
		if (err < 0) {
			j->err = err;
			break;
		}
		if (kind == M_MANIFEST) {
			json_decref(mf);
			mf = o;
			continue;
		}
		pominfo *np = realloc(poms, (npoms + 1) * sizeof(*np));
		if (!np || !(np[npoms].path = customs_strdup(p))) {
			if (np)
				poms = np;
			json_decref(o);
			j->err = CUSTOMS_ENOMEM;
			break;
		}
		poms = np;
		poms[npoms++].props = o;
	}
	if (!j->err && mf && customs__java_manifest_licenses(&lic.manifest, mf) < 0)
		j->err = CUSTOMS_ENOMEM;
	if (!j->err) {
		int err = identify(j, loc, base, mf, poms, npoms, &lic);
		if (err < 0)
			j->err = err;
	}
done:
	if (a)
		archive_read_free(a);
	jlicenses_release(&lic);
	json_decref(mf);
	for (size_t i = 0; i < npoms; i++)
		free(poms[i].path), json_decref(poms[i].props);
	free(poms);
}

/* Scan one top-level archive held in s; packages in *out, *n. */
static int java_scan(customs_package ***out, size_t *n, spool *s, const char *path, customs_parse_warn_fn warn,
		     void *ud)
{
	jscan j = {.warn = warn, .ud = ud, .ram_left = *s->ram_left};
	*out = NULL;
	*n = 0;
	if (!(j.io = malloc(IO_SIZE)))
		return CUSTOMS_ENOMEM;
	s->ram_left = &j.ram_left; /* nested spools share what the top one left */
	scan_archive(&j, s, path, 0);
	free(j.io);
	if (j.err < 0) {
		for (size_t i = 0; i < j.out.n; i++)
			customs_package_free(j.out.v[i]);
		free(j.out.v);
		return j.err;
	}
	*out = j.out.v;
	*n = j.out.n;
	return 0;
}

int customs__java_scan_buffer(customs_package ***out, size_t *n, const char *path, const unsigned char *data,
			      size_t len, customs_parse_warn_fn warn, void *ud)
{
	size_t ram = JAVA_RAM_CAP;
	spool s;
	spool_init(&s, &ram);
	s.owned = 0;
	s.mem = (unsigned char *)data;
	s.len = len;
	s.size = len;
	int err = java_scan(out, n, &s, path, warn, ud);
	s.mem = NULL;
	s.ram_left = &ram;
	spool_release(&s);
	return err;
}

/* ---- the analyzer ---- */

/* One archive as it streams: where it is, and its spool. */
typedef struct jfile {
	customs_file_warn w;
	spool sp;
	size_t ram_left;
	int failed;
} jfile;

static void *stream_open(void *self, const customs_afile *f)
{
	if (f->size > JAVA_MAX_ARCHIVE) {
		customs_analysis_warn(f->analysis, CUSTOMS_WARN, f->layer, f->path,
				      "java archive: %llu bytes, over the 2 GiB archive limit: not read",
				      (unsigned long long)f->size);
		return NULL;
	}
	jfile *jf = customs__stream_ctx_new(sizeof(*jf), f, "java archive");
	if (!jf)
		return NULL;
	jf->ram_left = JAVA_RAM_CAP;
	spool_init(&jf->sp, &jf->ram_left);
	if (f->size > JAVA_RAM_CAP && spool_spill(&jf->sp) < 0) {
		customs_analysis_warn(f->analysis, CUSTOMS_ERROR, f->layer, f->path, "java archive: %s",
				      customs_error_last() ? customs_error_last() : "no temporary file");
		spool_release(&jf->sp);
		free(jf);
		return NULL;
	}
	return jf;
}

static int stream_write(void *self, void *ctx, const unsigned char *data, size_t len)
{
	jfile *jf = ctx;
	int err = spool_write(&jf->sp, data, len);
	if (err < 0 && !jf->failed) {
		jf->failed = 1;
		customs_analysis_warn(jf->w.a, err == CUSTOMS_ELIMIT ? CUSTOMS_WARN : CUSTOMS_ERROR, jf->w.layer,
				      jf->w.path, "java archive: %s: not read",
				      customs_error_last() ? customs_error_last() : "spool failed");
	}
	return err;
}

static void stream_close(void *self, void *ctx, int ok)
{
	jfile *jf = ctx;
	if (ok && !jf->failed) {
		customs_package **pkgs = NULL;
		size_t n = 0;
		int rc = java_scan(&pkgs, &n, &jf->sp, jf->w.path, customs__file_warn, &jf->w);
		if (rc == 0)
			rc = customs__copies_take(self, jf->w.path, jf->w.layer, rc, pkgs, n);
		if (rc < 0)
			customs_analysis_warn(jf->w.a, CUSTOMS_ERROR, jf->w.layer, jf->w.path, "java archive: %s",
					      rc == CUSTOMS_ENOMEM ? "out of memory" : "read error");
	} else if (!jf->failed) {
		customs_analysis_warn(jf->w.a, CUSTOMS_WARN, jf->w.layer, jf->w.path, "java archive: cut short: not read");
	}
	jf->sp.ram_left = &jf->ram_left;
	spool_release(&jf->sp);
	free(jf);
}

static int finish(void *self, customs_analysis *a)
{
	return copies__merge(self, a, &(copies_merge){.found_by = "java", .flags = COPIES_HARDLINKS | COPIES_OWNERS});
}

const customs_analyzer_type customs__java_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "java",
	.description = "Java archives (jar, war, ear, ...; nested ones too): pom.properties, MANIFEST.MF, file name",
	.analyzer_version = "2",
	.suffixes = suffixes,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.stream_open = stream_open,
	.stream_write = stream_write,
	.stream_close = stream_close,
	.finish = finish,
};
