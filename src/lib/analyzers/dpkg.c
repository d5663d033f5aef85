/* dpkg.c - Debian packages: var/lib/dpkg/status and distroless status.d
 * stanzas (deb822(5), deb-control(5), dpkg(1) "INFORMATION ABOUT
 * PACKAGES"), owned files from info/<pkg>[:<arch>].list and .md5sums, and
 * licenses from usr/share/doc/<pkg>/copyright: its License fields when it
 * is machine-readable (Debian copyright-format 1.0, "DEP-5"), else the
 * short names of its "License:" lines and the license texts and notices it
 * holds (license/classify.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analyzers/analyzers.h"
#include "core/copies.h"
#include "customs/purl.h"
#include "license/license.h"
#include "util/util.h"

#define MAX_DPKG_FILE (64u << 20)
#define STATUS_PATH "var/lib/dpkg/status"
#define STATUS_D "var/lib/dpkg/status.d/"
#define INFO_DIR "var/lib/dpkg/info/"
#define DOC_DIR "usr/share/doc/"

/* ---- deb822 reader ---- */

typedef struct d822_field {
	const char *name;
	size_t nlen;
	const char *val;  /* first line's value, trimmed, then the raw continuation lines */
	size_t vlen;
	size_t line;
} d822_field;

typedef struct d822_stanza {
	d822_field *f;
	size_t n, cap;
	size_t line;      /* line of the first field */
	size_t bad_utf8;  /* first line that is not UTF-8 (or holds NUL), 0 if none */
} d822_stanza;

typedef int (*d822_fn)(void *ud, const d822_stanza *s);

/* Digits at the start of s[0..n): input buffers are not NUL-terminated. */
static size_t span_digits(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

static int is_blank_line(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t')
			return 0;
	return 1;
}

/* Walk buf stanza by stanza (deb822(5)): fields "Name: value", continuation
 * lines starting with a space or tab, stanzas separated by blank lines,
 * '#' lines are comments.  Lines that fit none of these are reported and
 * skipped with the continuation lines that follow them. */
static int d822_parse(const char *buf, size_t len, d822_fn fn, void *fn_ud, customs_parse_warn_fn warn, void *ud)
{
	d822_stanza s = {0};
	size_t line = 0;
	int err = 0, skipping = 0;
	const char *p = buf, *end = buf + len;

	while (p < end || s.n) {
		const char *eol = NULL, *next;
		size_t n = 0;
		if (p < end) {
			eol = memchr(p, '\n', (size_t)(end - p));
			n = eol ? (size_t)(eol - p) : (size_t)(end - p);
			next = eol ? eol + 1 : end;
			line++;
			if (n && p[n - 1] == '\r')
				n--;
		} else {
			next = end;
		}
		if (p >= end || is_blank_line(p, n)) {
			if (s.n && (err = fn(fn_ud, &s)) < 0)
				break;
			s.n = 0;
			s.bad_utf8 = 0;
			skipping = 0;
			p = next;
			if (p >= end && !eol)
				break;
			continue;
		}
		if (!s.bad_utf8 && customs_utf8_valid_prefix((const unsigned char *)p, n) != n)
			s.bad_utf8 = line;
		if (p[0] == ' ' || p[0] == '\t') {
			if (s.n && !skipping) {
				d822_field *f = &s.f[s.n - 1];
				f->vlen = (size_t)(p + n - f->val);
			} else if (!skipping) {
				customs__parse_warnf(warn, ud, line,
						     "continuation line without a field before it: skipped");
				skipping = 1;
			}
			p = next;
			continue;
		}
		if (p[0] == '#') {
			p = next;
			continue;
		}
		const char *colon = memchr(p, ':', n);
		size_t nlen = colon ? (size_t)(colon - p) : 0;
		int ok = nlen > 0 && p[0] != '-';
		for (size_t i = 0; ok && i < nlen; i++)
			if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f)
				ok = 0;
		if (!ok) {
			customs__parse_warnf(warn, ud, line, "not a \"Field: value\" line: skipped");
			skipping = 1;
			p = next;
			continue;
		}
		skipping = 0;
		if (s.n == s.cap) {
			size_t ncap = s.cap ? s.cap * 2 : 32;
			d822_field *f = realloc(s.f, ncap * sizeof(*f));
			if (!f) {
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				break;
			}
			s.f = f;
			s.cap = ncap;
		}
		if (!s.n)
			s.line = line;
		const char *v = colon + 1, *ve = p + n;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		s.f[s.n++] = (d822_field){p, nlen, v, (size_t)(ve - v), line};
		p = next;
	}
	free(s.f);
	return err;
}

static const d822_field *d822_get(const d822_stanza *s, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < s->n; i++)
		if (s->f[i].nlen == nl && !strncasecmp(s->f[i].name, name, nl))
			return &s->f[i];
	return NULL;
}

/* First line of a field's value. */
static size_t first_line_len(const d822_field *f)
{
	const char *nl = memchr(f->val, '\n', f->vlen);
	size_t n = nl ? (size_t)(nl - f->val) : f->vlen;
	while (n && (f->val[n - 1] == '\r' || f->val[n - 1] == ' ' || f->val[n - 1] == '\t'))
		n--;
	return n;
}

/* A folded field (deb822: newlines insignificant) as one line: every
 * newline with the whitespace around it becomes one space.  Written to out
 * (f->vlen + 1 bytes); returns the length. */
static size_t fold(char *out, const d822_field *f)
{
	char *o = out;
	for (size_t i = 0; i < f->vlen; i++) {
		char c = f->val[i];
		if (c == '\r' || c == '\n') {
			while (o > out && (o[-1] == ' ' || o[-1] == '\t'))
				o--;
			while (i + 1 < f->vlen && (f->val[i + 1] == ' ' || f->val[i + 1] == '\t' || f->val[i + 1] == '\n' ||
						   f->val[i + 1] == '\r'))
				i++;
			if (o > out)
				*o++ = ' ';
			continue;
		}
		*o++ = c;
	}
	*o = '\0';
	return (size_t)(o - out);
}

/* ---- status ---- */

typedef struct status_ctx {
	customs_pkgvec pkgs;
	int flags;
	customs_parse_warn_fn warn;
	void *ud;
} status_ctx;

/* dpkg(1): the package's files are in place and configured in these states;
 * config-files, half-installed, unpacked, half-configured and not-installed
 * are not (yet, or any more) an installed package. */
static int installed_state(const char *v, size_t n, int *well_formed)
{
	const char *w[3];
	size_t wl[3], k = 0, i = 0;
	while (i < n && k < 3) {
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (i >= n)
			break;
		w[k] = v + i;
		while (i < n && v[i] != ' ' && v[i] != '\t')
			i++;
		wl[k] = (size_t)(v + i - w[k]);
		k++;
	}
	while (i < n && (v[i] == ' ' || v[i] == '\t'))
		i++;
	*well_formed = k == 3 && i == n;
	if (!*well_formed)
		return 0;
	static const char *const states[] = {"installed", "triggers-awaited", "triggers-pending", NULL};
	for (int s = 0; states[s]; s++)
		if (wl[2] == strlen(states[s]) && !memcmp(w[2], states[s], wl[2]))
			return 1;
	return 0;
}

/* The fields the cataloger reads, found in one pass over a stanza. */
enum {
	F_PACKAGE, F_STATUS, F_VERSION, F_ARCH, F_SOURCE, F_ISIZE, F_MAINTAINER, F_DEPENDS, F_PRE_DEPENDS,
	F_PROVIDES, F_BUILT_USING, F__N
};

/* What goes into metadata is what syft's dpkg metadata holds (a JSON
 * object per package is most of the parse's memory: keep it small). */
static const struct {
	const char *name;
	size_t len;
	const char *key; /* metadata key, NULL when it has its own place */
	int folded;
} status_fields[F__N] = {
	[F_PACKAGE] = {"Package", 7, NULL, 0},
	[F_STATUS] = {"Status", 6, NULL, 0}, /* in metadata only when not "install ok installed" */
	[F_VERSION] = {"Version", 7, NULL, 0},
	[F_ARCH] = {"Architecture", 12, NULL, 0},
	[F_SOURCE] = {"Source", 6, NULL, 0},
	[F_ISIZE] = {"Installed-Size", 14, NULL, 0},
	[F_MAINTAINER] = {"Maintainer", 10, "maintainer", 0},
	[F_DEPENDS] = {"Depends", 7, "depends", 1},
	[F_PRE_DEPENDS] = {"Pre-Depends", 11, "pre_depends", 1},
	[F_PROVIDES] = {"Provides", 8, "provides", 1},
	/* the source packages built into this one (Go binaries: the golang-X.Y
	 * toolchain whose Debian records decide the embedded stdlib) */
	[F_BUILT_USING] = {"Built-Using", 11, "built_using", 1},
};

static void slot_fields(const d822_stanza *s, const d822_field **slot)
{
	for (int i = 0; i < F__N; i++)
		slot[i] = NULL;
	for (size_t j = 0; j < s->n; j++) {
		const d822_field *f = &s->f[j];
		for (int i = 0; i < F__N; i++)
			if (f->nlen == status_fields[i].len && !slot[i] && !strncasecmp(f->name, status_fields[i].name, f->nlen)) {
				slot[i] = f;
				break;
			}
	}
}

/* A value as a C string; `clean` says the stanza is valid UTF-8 without NUL,
 * so no replacement pass is needed. */
static char *dup_value(const char *v, size_t n, int clean)
{
	return clean ? customs_strndup(v, n) : customs_utf8_strndup(v, n);
}

static int meta_set(json_t *m, const char *key, const char *v, size_t n, int clean)
{
	json_t *j;
	if (clean) {
		j = json_stringn_nocheck(v, n);
	} else {
		char *u = customs_utf8_strndup(v, n);
		j = u ? json_stringn_nocheck(u, strlen(u)) : NULL;
		free(u);
	}
	return j && json_object_set_new_nocheck(m, key, j) == 0 ? 0 : CUSTOMS_ENOMEM;
}

static int meta_field(json_t *m, int id, const d822_field *f, int clean)
{
	if (!status_fields[id].folded || !memchr(f->val, '\n', f->vlen))
		return meta_set(m, status_fields[id].key, f->val, first_line_len(f), clean);
	char stackbuf[1024], *buf = f->vlen < sizeof(stackbuf) ? stackbuf : malloc(f->vlen + 1);
	if (!buf)
		return CUSTOMS_ENOMEM;
	size_t n = fold(buf, f);
	int rc = meta_set(m, status_fields[id].key, buf, n, clean);
	if (buf != stackbuf)
		free(buf);
	return rc;
}

static int status_stanza(void *ud, const d822_stanza *s)
{
	status_ctx *c = ud;
	const d822_field *slot[F__N];
	customs_package *p = NULL;
	int clean = !s->bad_utf8;

	slot_fields(s, slot);
	const d822_field *fpkg = slot[F_PACKAGE], *fver = slot[F_VERSION], *fst = slot[F_STATUS], *fsrc = slot[F_SOURCE];
	if (s->bad_utf8)
		customs__parse_warnf(c->warn, c->ud, s->bad_utf8,
				     "not valid UTF-8 (stanza at line %zu): invalid bytes replaced by U+FFFD", s->line);
	if (!fpkg || !first_line_len(fpkg)) {
		customs__parse_warnf(c->warn, c->ud, s->line, "stanza without a Package field: skipped");
		return 0;
	}
	size_t nlen = first_line_len(fpkg);
	if (fst) {
		int wf;
		int inst = installed_state(fst->val, first_line_len(fst), &wf);
		if (!wf) {
			customs__parse_warnf(c->warn, c->ud, fst->line,
					     "package \"%.*s\": malformed Status \"%.*s\": skipped", (int)nlen,
					     fpkg->val, (int)(first_line_len(fst) > 64 ? 64 : first_line_len(fst)),
					     fst->val);
			return 0;
		}
		if (!inst)
			return 0;
	} else if (!(c->flags & CUSTOMS_DPKG_STATUS_D)) {
		customs__parse_warnf(c->warn, c->ud, s->line, "package \"%.*s\" has no Status field: skipped",
				     (int)nlen, fpkg->val);
		return 0;
	}
	if (!fver || !first_line_len(fver)) {
		customs__parse_warnf(c->warn, c->ud, s->line, "package \"%.*s\" has no Version field: skipped",
				     (int)nlen, fpkg->val);
		return 0;
	}
	if (!(p = customs_package_new()))
		goto oom;
	const d822_field *farch = slot[F_ARCH];
	if (!(p->name = dup_value(fpkg->val, nlen, clean)) ||
	    !(p->version = dup_value(fver->val, first_line_len(fver), clean)) || !(p->type = customs_strdup("deb")))
		goto oom;
	if (farch && first_line_len(farch) && !(p->arch = dup_value(farch->val, first_line_len(farch), clean)))
		goto oom;
	/* deb-control(5): "Source: name [(version)]"; the version defaults to
	 * the binary's (binNMUs and -v builds differ) */
	if (fsrc && first_line_len(fsrc)) {
		const char *v = fsrc->val;
		size_t n = first_line_len(fsrc);
		const char *paren = memchr(v, '(', n);
		size_t sn = paren ? (size_t)(paren - v) : n;
		while (sn && (v[sn - 1] == ' ' || v[sn - 1] == '\t'))
			sn--;
		if (sn && !(p->source_name = dup_value(v, sn, clean)))
			goto oom;
		if (paren) {
			const char *vs = paren + 1, *ve = memchr(vs, ')', (size_t)(v + n - vs));
			if (!ve) {
				customs__parse_warnf(c->warn, c->ud, fsrc->line,
						     "package \"%s\": Source field without ')'", p->name);
				ve = v + n;
			}
			while (vs < ve && *vs == ' ')
				vs++;
			while (ve > vs && ve[-1] == ' ')
				ve--;
			if (ve > vs && !(p->source_version = dup_value(vs, (size_t)(ve - vs), clean)))
				goto oom;
		}
	}
	if (!p->source_name && !(p->source_name = customs_strdup(p->name)))
		goto oom;
	if (!p->source_version && !(p->source_version = customs_strdup(p->version)))
		goto oom;

	if (!(p->metadata = json_object()))
		goto oom;
	const d822_field *fsize = slot[F_ISIZE];
	if (fsize) {
		char num[32];
		size_t n = first_line_len(fsize);
		if (n && n < 19 && span_digits(fsize->val, n) == n) {
			memcpy(num, fsize->val, n);
			num[n] = '\0';
			if (json_object_set_new_nocheck(p->metadata, "installed_size", json_integer(strtoll(num, NULL, 10))) < 0)
				goto oom;
		}
	}
	for (int i = 0; i < F__N; i++)
		if (slot[i] && status_fields[i].key && meta_field(p->metadata, i, slot[i], clean) < 0)
			goto oom;
	if (fst && (first_line_len(fst) != 20 || memcmp(fst->val, "install ok installed", 20)) &&
	    meta_set(p->metadata, "status", fst->val, first_line_len(fst), clean) < 0)
		goto oom;

	return customs__pkgvec_push(&c->pkgs, p);
oom:
	customs_package_free(p);
	return customs__error(CUSTOMS_ENOMEM, "out of memory");
}

int customs__dpkg_parse_status(customs_package ***out, size_t *n, const char *buf, size_t len, int flags,
			       customs_parse_warn_fn warn, void *ud)
{
	status_ctx c = {.flags = flags, .warn = warn, .ud = ud};
	int err = d822_parse(buf, len, status_stanza, &c, warn, ud);
	return customs__pkgvec_result(out, n, &c.pkgs, err);
}

/* ---- copyright (DEP-5) ---- */

static const struct {
	const char *dep5, *spdx;
} license_names[] = {
	{"Apache-1.0", "Apache-1.0"},
	{"Apache-1.1", "Apache-1.1"},
	{"Apache-2", "Apache-2.0"},
	{"Apache-2.0", "Apache-2.0"},
	{"Artistic", "Artistic-1.0"},
	{"Artistic-1.0", "Artistic-1.0"},
	{"Artistic-2.0", "Artistic-2.0"},
	{"BSD-2-clause", "BSD-2-Clause"},
	{"BSD-3-clause", "BSD-3-Clause"},
	{"BSD-4-clause", "BSD-4-Clause"},
	{"BSL-1.0", "BSL-1.0"},
	{"Boost-1.0", "BSL-1.0"},
	{"CC0", "CC0-1.0"},
	{"CC0-1.0", "CC0-1.0"},
	{"CC-BY-3.0", "CC-BY-3.0"},
	{"CC-BY-4.0", "CC-BY-4.0"},
	{"CC-BY-SA-3.0", "CC-BY-SA-3.0"},
	{"CC-BY-SA-4.0", "CC-BY-SA-4.0"},
	{"CDDL-1.0", "CDDL-1.0"},
	{"curl", "curl"},
	{"EPL-1.0", "EPL-1.0"},
	{"EPL-2.0", "EPL-2.0"},
	{"Expat", "MIT"},
	{"ISC", "ISC"},
	{"MIT", "MIT"},
	{"MPL-1.1", "MPL-1.1"},
	{"MPL-2.0", "MPL-2.0"},
	{"OpenSSL", "OpenSSL"},
	{"PSF-2", "PSF-2.0"},
	{"PSF-2.0", "PSF-2.0"},
	{"Python-2.0", "Python-2.0"},
	{"Unlicense", "Unlicense"},
	{"WTFPL", "WTFPL"},
	{"X11", "X11"},
	{"Zlib", "Zlib"},
	{"Zope-2.1", "ZPL-2.1"},
	{"ZPL-2.1", "ZPL-2.1"},
	{NULL, NULL},
};

/* GPL-2, GPL-2+, LGPL-2.1+, AGPL-3, GFDL-1.3+ and the like. */
static char *gnu_license(const char *s, size_t n)
{
	static const char *const fam[] = {"GPL", "LGPL", "AGPL", "GFDL", NULL};
	for (int i = 0; fam[i]; i++) {
		size_t fl = strlen(fam[i]);
		if (n <= fl + 1 || strncasecmp(s, fam[i], fl) || s[fl] != '-')
			continue;
		const char *v = s + fl + 1;
		size_t vl = n - fl - 1;
		int plus = vl && v[vl - 1] == '+';
		vl -= (size_t)plus;
		size_t d = span_digits(v, vl);
		if (!d || d > 2 || (d < vl && (v[d] != '.' || vl - d - 1 == 0 || span_digits(v + d + 1, vl - d - 1) != vl - d - 1)))
			return NULL;
		return customs_asprintf("%s-%.*s%s-%s", fam[i], (int)vl, v, d == vl ? ".0" : "", plus ? "or-later" : "only");
	}
	return NULL;
}

char *customs__dpkg_license_spdx(const char *name, size_t len)
{
	for (int i = 0; license_names[i].dep5; i++)
		if (strlen(license_names[i].dep5) == len && !strncasecmp(name, license_names[i].dep5, len))
			return customs_strdup(license_names[i].spdx);
	return gnu_license(name, len);
}

typedef struct copyright_ctx {
	customs_strlist *out;
	int stanza;
	int dep5;
	int err;
} copyright_ctx;

static int add_license(customs_strlist *out, const char *name, size_t n)
{
	while (n && (*name == '(' || *name == ','))
		name++, n--;
	while (n && (name[n - 1] == ')' || name[n - 1] == ',' || name[n - 1] == ';'))
		n--;
	if (!n)
		return 0;
	char *spdx = customs__dpkg_license_spdx(name, n);
	if (!spdx) {
		/* another spelling of one license ("LGPLv2.1+"), else kept as it is */
		char *raw = customs_utf8_strndup(name, n);
		spdx = raw ? customs__spdx_normalize(raw) : NULL;
		if (spdx && strchr(spdx, ' '))
			free(spdx), spdx = NULL;
		if (!spdx)
			customs_error_clear();
		free(raw);
	}
	char *v = spdx ? spdx : customs_utf8_strndup(name, n);
	int err = 0;
	if (!v)
		return CUSTOMS_ENOMEM;
	if (!customs_strlist_contains(out, v))
		err = customs_strlist_add(out, v);
	free(v);
	return err < 0 ? CUSTOMS_ENOMEM : 0;
}

/* DEP-5 §7.2: names joined by "or" / "and" (commas only change
 * precedence), "NAME with EXCEPTION exception" keeps NAME. */
static int split_license_expr(customs_strlist *out, const char *v, size_t n)
{
	size_t i = 0;
	int in_with = 0, err = 0;
	while (i < n && err == 0) {
		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		size_t s = i;
		while (i < n && v[i] != ' ' && v[i] != '\t')
			i++;
		size_t tl = i - s;
		if (!tl)
			break;
		const char *t = v + s;
		size_t bl = tl;
		while (bl && (t[bl - 1] == ',' || t[bl - 1] == ')'))
			bl--;
		if ((bl == 2 && !strncasecmp(t, "or", 2)) || (bl == 3 && !strncasecmp(t, "and", 3))) {
			in_with = 0;
			continue;
		}
		if (bl == 4 && !strncasecmp(t, "with", 4)) {
			in_with = 1;
			continue;
		}
		if (!in_with)
			err = add_license(out, t, tl);
	}
	return err;
}

static int copyright_stanza(void *ud, const d822_stanza *s)
{
	copyright_ctx *c = ud;
	int first = c->stanza++ == 0;
	if (first) {
		const d822_field *f = d822_get(s, "Format");
		if (f && f == &s->f[0]) {
			size_t n = first_line_len(f);
			for (size_t i = 0; i + 20 <= n; i++)
				if (!memcmp(f->val + i, "copyright-format/1.0", 20)) {
					c->dep5 = 1;
					break;
				}
		}
		if (!c->dep5)
			return CUSTOMS_EFORMAT; /* stop: free-form text */
	}
	/* the header's License and those of Files paragraphs; stand-alone
	 * License paragraphs only hold the text of names used there */
	const d822_field *lic = d822_get(s, "License");
	if (lic && (first || d822_get(s, "Files")) && (c->err = split_license_expr(c->out, lic->val, first_line_len(lic))) < 0)
		return c->err;
	return 0;
}

/* A "License:" value of a free-form file that reads as DEP-5 short names
 * ("GPL-2+", "BSD-3-clause or Artistic", "public-domain"), not as the
 * start of a sentence ("License: Redistribution and use ..."): every name
 * is one known to the table, or has the shape of one (a digit or a dash
 * in it, or all capitals: "MIT", "ISC"). */
static int short_names(const char *v, size_t n)
{
	size_t i = 0, names = 0;
	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '(' || v[i] == ')' || v[i] == ','))
			i++;
		size_t s = i;
		while (i < n && v[i] != ' ' && v[i] != '\t' && v[i] != ')' && v[i] != ',')
			i++;
		size_t tl = i - s;
		const char *t = v + s;
		if (tl && t[tl - 1] == '.')
			tl--; /* a sentence's full stop */
		if (!tl || (tl == 2 && !strncasecmp(t, "or", 2)) || (tl == 3 && !strncasecmp(t, "and", 3)) ||
		    (tl == 4 && !strncasecmp(t, "with", 4)) || (tl == 9 && !strncasecmp(t, "exception", 9)))
			continue;
		int shape = 0, upper = 1;
		for (size_t k = 0; k < tl; k++) {
			char c = t[k];
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
			      c == '+' || c == '_' || c == '-'))
				return 0;
			shape |= (c >= '0' && c <= '9') || c == '-';
			upper &= !(c >= 'a' && c <= 'z');
		}
		char *spdx = customs__dpkg_license_spdx(t, tl);
		int known = spdx != NULL;
		free(spdx);
		if (!known && !shape && !(upper && tl >= 2))
			return 0;
		if (++names > 8)
			return 0;
	}
	return names > 0;
}

/* Free-form: the "License:" lines that hold short names, then what the
 * text classifier recognises (license/classify.c). */
static int freeform_licenses(customs_strlist *out, const char *buf, size_t len)
{
	const char *at = buf, *end = buf + len, *p;
	size_t n;
	int err = 0;
	while (err == 0 && customs_next_line(&at, end, &p, &n, 1)) {
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		if (n < 8 || strncasecmp(p, "License:", 8) != 0)
			continue;
		p += 8, n -= 8;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
			n--;
		if (short_names(p, n))
			err = split_license_expr(out, p, n);
	}
	if (err == 0)
		err = customs__license_classify(out, buf, len);
	return err < 0 ? CUSTOMS_ENOMEM : 0;
}

int customs__dpkg_parse_copyright(customs_strlist *out, const char *buf, size_t len)
{
	copyright_ctx c = {.out = out};
	/* cheap test first: most free-form files are rejected on line one */
	if (len >= 7 && strncasecmp(buf, "Format:", 7) == 0) {
		int err = d822_parse(buf, len, copyright_stanza, &c, NULL, NULL);
		if (err == CUSTOMS_ENOMEM || c.err == CUSTOMS_ENOMEM)
			return CUSTOMS_ENOMEM;
		if (c.dep5)
			return 1;
	}
	return freeform_licenses(out, buf, len);
}

/* ---- the analyzer ---- */

/* The state: copies of status and status.d files, and of side files
 * (info/ lists and md5sums, copyrights' licenses '\n'-joined). */
enum { DB, SIDE };

static int want(void *self, const char *path, uint32_t mode, uint64_t size)
{
	if (path[0] == 'v' && !strncmp(path, INFO_DIR, sizeof(INFO_DIR) - 1)) {
		const char *b = path + sizeof(INFO_DIR) - 1;
		return !strchr(b, '/') && (customs_str_has_suffix(b, ".list") || customs_str_has_suffix(b, ".md5sums"));
	}
	if (path[0] == 'v' && !strncmp(path, STATUS_D, sizeof(STATUS_D) - 1))
		return path[sizeof(STATUS_D) - 1] && !strchr(path + sizeof(STATUS_D) - 1, '/');
	if (path[0] == 'u' && !strncmp(path, DOC_DIR, sizeof(DOC_DIR) - 1)) {
		const char *b = path + sizeof(DOC_DIR) - 1, *sl = strchr(b, '/');
		return sl && sl > b && !strcmp(sl, "/copyright");
	}
	return 0;
}

static const char *const wanted[] = {STATUS_PATH, NULL};

/* A hostile database could hold millions of bad lines: report the first
 * few of each file. */
#define MAX_WARNINGS_PER_FILE 20

static int on_file(void *self, const customs_afile *f, const unsigned char *data, size_t len)
{
	copies *d = self;
	const char *buf = (const char *)data;
	int is_status = !strcmp(f->path, STATUS_PATH);
	int is_status_d = !is_status && !strncmp(f->path, STATUS_D, sizeof(STATUS_D) - 1);

	if (is_status_d && customs_str_has_suffix(f->path, ".md5sums"))
		is_status_d = 0; /* a side file, kept below */
	if (is_status || is_status_d) {
		customs_package **v;
		size_t n;
		customs_file_warn w = customs__file_warn_for(f, NULL, MAX_WARNINGS_PER_FILE);
		int err = customs__dpkg_parse_status(&v, &n, buf, len, is_status_d ? CUSTOMS_DPKG_STATUS_D : 0,
						     customs__file_warn, &w);
		return customs__copies_take(&d[DB], f->path, f->layer, err, v, n);
	}
	if (!strncmp(f->path, DOC_DIR, sizeof(DOC_DIR) - 1)) {
		customs_strlist l = {0};
		int rc = customs__dpkg_parse_copyright(&l, buf, len);
		if (rc < 0) {
			customs_strlist_release(&l);
			return customs__error(rc, "out of memory");
		}
		customs_buf b = CUSTOMS_BUF_INIT(0);
		int err = customs_buf_puts(&b, "");
		for (size_t i = 0; i < l.n && !err; i++)
			err = customs_buf_printf(&b, "%s%s", i ? "\n" : "", l.v[i]);
		customs_strlist_release(&l);
		if (err < 0) {
			customs_buf_release(&b);
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		err = copies__add_data(&d[SIDE], f->path, f->layer, b.ptr, b.len);
		customs_buf_release(&b);
		return err;
	}
	return copies__add_data(&d[SIDE], f->path, f->layer, buf, len);
}

/* The copy of a side file a package should use: for a visible package the
 * visible one; for a removed one the newest at or below its last listing. */
static const copies_copy *side_for(copies *d, customs_analysis *a, const char *path, const customs_package *p,
				   int listed)
{
	if (!p->visible)
		return copies__at(&d[SIDE], path, listed);
	return copies__visible(&d[SIDE], a, path, 0);
}

/* info/<name>:<arch>.<ext>, then info/<name>.<ext> (dpkg's multiarch layout
 * names Multi-Arch: same packages with their architecture). */
static const copies_copy *info_file(copies *d, customs_analysis *a, const customs_package *p, int listed,
				     const char *ext)
{
	const copies_copy *s = NULL;
	char *path;
	if (p->arch && (path = customs_asprintf(INFO_DIR "%s:%s.%s", p->name, p->arch, ext))) {
		s = side_for(d, a, path, p, listed);
		free(path);
	}
	if (!s && (path = customs_asprintf(INFO_DIR "%s.%s", p->name, ext))) {
		s = side_for(d, a, path, p, listed);
		free(path);
	}
	return s;
}

static int add_lines(customs_strlist *l, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n) {
			char *v = customs_utf8_strndup(p, n);
			if (!v || customs_strlist_add(l, v) < 0) {
				free(v);
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
			}
			free(v);
		}
		p = eol ? eol + 1 : end;
	}
	return 0;
}

/* "<32 hex>  <path>" lines into {"/<path>": "<hex>"}; also the paths into
 * files when the package has no .list (distroless). */
static int add_md5sums(customs_package *p, const char *data, size_t len, int as_files)
{
	json_t *m = json_object();
	const char *q = data, *end = data + len;
	if (!m)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	while (q < end) {
		const char *eol = memchr(q, '\n', (size_t)(end - q));
		size_t n = eol ? (size_t)(eol - q) : (size_t)(end - q);
		if (n && q[n - 1] == '\r')
			n--;
		size_t nhex = 0;
		while (nhex < n && nhex < 32 && q[nhex] && strchr("0123456789abcdefABCDEF", q[nhex]))
			nhex++;
		if (n > 34 && nhex == 32 && q[32] == ' ') {
			const char *path = q + 33;
			size_t pl = n - 33;
			while (pl && (*path == ' ' || *path == '/'))
				path++, pl--;
			char *key = NULL;
			int err = 0;
			if (pl) {
				char *abs = customs_asprintf("/%.*s", (int)pl, path);
				/* a NUL in the line ends the path: abs may be shorter than pl + 1 */
				key = abs ? customs_utf8_strndup(abs, strlen(abs)) : NULL;
				free(abs);
				err = !key || json_object_set_new_nocheck(m, key, json_stringn_nocheck(q, 32)) < 0 ||
				      (as_files && customs_strlist_add(&p->files, key) < 0);
			}
			free(key);
			if (err) {
				json_decref(m);
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
			}
		}
		q = eol ? eol + 1 : end;
	}
	if (!p->metadata && !(p->metadata = json_object())) {
		json_decref(m);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	if (json_object_set_new(p->metadata, "md5sums", m) < 0)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	return 0;
}

static int fill(void *ud, customs_analysis *a, customs_package *p, const copies_copy *from)
{
	copies *d = ud;
	int listed = from->layer;
	int err;

	/* owned files and their digests */
	int distroless = !strncmp(p->db_path, STATUS_D, sizeof(STATUS_D) - 1);
	const copies_copy *list = distroless ? NULL : info_file(d, a, p, listed, "list");
	const copies_copy *md5 = NULL;
	if (distroless) {
		char *path = customs_asprintf(STATUS_D "%s.md5sums", p->name);
		if (!path)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		md5 = side_for(d, a, path, p, listed);
		free(path);
	} else {
		md5 = info_file(d, a, p, listed, "md5sums");
	}
	if (list && (err = add_lines(&p->files, list->data, list->len)) < 0)
		return err;
	if (md5 && (err = add_md5sums(p, md5->data, md5->len, !list)) < 0)
		return err;

	/* licenses: the copyright file as the squashed view has it (its doc
	 * directory may be a symlink to another package's) */
	if (p->visible) {
		char *cp = customs_asprintf(DOC_DIR "%s/copyright", p->name);
		if (!cp)
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		const copies_copy *s = copies__visible(&d[SIDE], a, cp, 1);
		if (s && (err = add_lines(&p->licenses, s->data, s->len)) < 0) {
			free(cp);
			return err;
		}
		free(cp);
	}

	return customs__os_package_ids(p, &a->distro, "deb", "debian");
}

static int finish(void *self, customs_analysis *a)
{
	copies *d = self;
	return copies__merge(&d[DB], a,
			     &(copies_merge){.found_by = "dpkg", .flags = COPIES_DISTRO, .fill = fill, .ud = d});
}

const customs_analyzer_type customs__dpkg_analyzer = {
	.version = CUSTOMS_ANALYZER_VERSION,
	.name = "dpkg",
	.description = "Debian packages from var/lib/dpkg (status, status.d, info, copyright)",
	.analyzer_version = "2",
	.paths = wanted,
	.want = want,
	.create = customs__copies_create,
	.destroy = customs__copies_destroy,
	.max_size = MAX_DPKG_FILE,
	.file = on_file,
	.finish = finish,
};
