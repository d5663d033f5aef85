/* feed_packages.c - a Debian or Ubuntu Packages index into the binary →
 * source map of its release: deb822 stanzas (Debian Policy §5.1) as the
 * archive's dists/SUITE/COMPONENT/binary-ARCH/Packages, apt's lists and
 * `apt-cache dumpavail` hold them.  Of each stanza: Package, Version and
 * Source, "NAME" or "NAME (VERSION)" (Policy §5.6.1); without Source the
 * package is its own source, at its own version.
 *
 * Hostile input: a field value longer than FIELD_MAX, a package name or
 * version that is not one (Policy §5.6.1, §5.6.12) is a warning naming the
 * line, and the stanza is skipped; nothing stops the reading. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/distro.h"
#include "vuln/vulndb.h"

#define FIELD_MAX 512 /* bytes of a Package, Version or Source value we read */
#define VOTES_MAX 16

struct stanza {
	size_t line; /* its first line */
	char pkg[FIELD_MAX + 1], ver[FIELD_MAX + 1], src[FIELD_MAX + 1];
	int has_pkg, has_ver, has_src, unreadable; /* unreadable: over FIELD_MAX, or a NUL byte */
};

struct pk {
	vulndb__writer *w;
	const char *ns;   /* release, once known */
	int store;        /* 0: the pass that tells the release; 1: store and warn */
	const customs_version_scheme *dpkg;
	struct {
		char ns[32];
		size_t n;
	} votes[VOTES_MAX];
	size_t nvotes;
};

/* A warning about line (the storing pass only: the first one reads too). */
static void warn(struct pk *k, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(struct pk *k, size_t line, const char *fmt, ...)
{
	char msg[FIELD_MAX * 2 + 200];
	va_list ap;
	if (!k->store)
		return;
	vulndb__writer_stats(k->w)->malformed++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vulndb__warn(k->w, VULNDB__W_MALFORMED, NULL, "line %zu: %s", line, msg);
}

/* ---- which release ---- */

static void vote(struct pk *k, const char *ns, size_t weight)
{
	size_t i;
	for (i = 0; i < k->nvotes && strcmp(k->votes[i].ns, ns); i++)
		;
	if (i == k->nvotes) {
		if (k->nvotes == VOTES_MAX)
			return;
		snprintf(k->votes[k->nvotes++].ns, sizeof(k->votes[0].ns), "%s", ns);
	}
	k->votes[i].n += weight;
}

/* "12.4+deb12u15" (Debian's stable updates), "2.4~deb12u1" (backports to
 * it), "1.2-0ubuntu0.22.04.1" / "1.2~22.04.1" (Ubuntu's updates) name their
 * release; base-files is versioned by the Debian release itself */
static void versions_vote(struct pk *k, const struct stanza *s)
{
	char ns[32];
	const char *v = s->ver, *p;
	if (!strcmp(s->pkg, "base-files") && !strstr(v, "ubuntu") && isdigit((unsigned char)v[0])) {
		snprintf(ns, sizeof(ns), "debian:%d", atoi(v));
		vote(k, ns, 1000);
		return;
	}
	for (p = v; (p = strstr(p, "deb")); p += 3)
		if ((p > v && (p[-1] == '+' || p[-1] == '~')) && isdigit((unsigned char)p[3])) {
			size_t d = strspn(p + 3, "0123456789");
			if (p[3 + d] == 'u' && d < 4) {
				snprintf(ns, sizeof(ns), "debian:%.*s", (int)d, p + 3);
				vote(k, ns, 1);
				return;
			}
		}
	if (!strstr(v, "ubuntu"))
		return;
	for (p = v + 1; *p; p++)
		if ((p[-1] == '~' || p[-1] == '.') && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
		    p[2] == '.' && ((p[3] == '0' && p[4] == '4') || (p[3] == '1' && p[4] == '0')) &&
		    (!p[5] || p[5] == '.' || p[5] == '~' || p[5] == '+') && p[0] >= '1') {
			snprintf(ns, sizeof(ns), "ubuntu:%.5s", p);
			vote(k, ns, 1);
			return;
		}
}

/* the release a file name names: apt's lists
 * ("deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages")
 * or an archive path (".../dists/jammy/main/binary-amd64/Packages.xz") */
static char *name_release(const char *name)
{
	const char *d = NULL;
	for (const char *p = name; (p = strstr(p, "dists")) != NULL; p++)
		if ((p == name || p[-1] == '/' || p[-1] == '_') && (p[5] == '/' || p[5] == '_'))
			d = p + 6;
	return d ? customs__distro_suite_namespace(d, strcspn(d, "_/")) : NULL;
}

/* ---- stanzas ---- */

static int valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > VULNDB__MAX_NAME || !isalnum((unsigned char)s[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && !strchr("+-.", s[i]))
			return 0;
	return 1;
}

static int finish_stanza(struct pk *k, struct stanza *s)
{
	char name[FIELD_MAX + 1], sver[FIELD_MAX + 1];
	if (!s->has_pkg && !s->has_ver && !s->has_src)
		return 0; /* only unknown fields: nothing to say about binaries */
	if (s->unreadable) {
		warn(k, s->line, "a Package, Version or Source value over %d bytes or with a NUL byte; skipped", FIELD_MAX);
		return 0;
	}
	if (!s->has_pkg || !s->has_ver) {
		warn(k, s->line, "a stanza without %s; skipped", !s->has_pkg ? "Package" : "Version");
		return 0;
	}
	if (!valid_name(s->pkg)) {
		warn(k, s->line, "Package \"%s\" is not a package name; skipped", s->pkg);
		return 0;
	}
	if (customs_version_valid(k->dpkg, s->ver) < 0) {
		warn(k, s->line, "package %s: Version \"%s\" is not a dpkg version; skipped", s->pkg, s->ver);
		return 0;
	}
	/* Source: NAME, or NAME (VERSION) when the source's version differs */
	snprintf(name, sizeof(name), "%s", s->has_src ? s->src : s->pkg);
	snprintf(sver, sizeof(sver), "%s", s->ver);
	char *lp = strchr(name, '(');
	if (lp) {
		char *rp = strchr(lp, ')');
		size_t n = (size_t)(lp - name);
		while (n && name[n - 1] == ' ')
			n--;
		if (!rp || rp[1] || !n) {
			warn(k, s->line, "package %s: Source \"%s\" is not \"NAME (VERSION)\"; skipped", s->pkg, s->src);
			return 0;
		}
		memcpy(sver, lp + 1, (size_t)(rp - lp - 1));
		sver[rp - lp - 1] = '\0';
		name[n] = '\0';
	}
	if (!valid_name(name) || customs_version_valid(k->dpkg, sver) < 0) {
		warn(k, s->line, "package %s: Source \"%s\" is not a source package name and version; skipped", s->pkg,
		     s->src);
		return 0;
	}
	if (!k->store) {
		versions_vote(k, s);
		return 0;
	}
	return vulndb__put_binary(k->w, k->ns, s->pkg, s->ver, name, sver);
}

/* One "Field: value" line of a stanza: the fields we read, copied. */
static void field(struct stanza *s, const char *name, size_t nn, const char *v, size_t vn)
{
	char *dst = NULL;
	int *has = NULL;
	while (vn && (v[0] == ' ' || v[0] == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	/* field names are case-insensitive (Policy §5.1) */
	if (nn == 7 && !strncasecmp(name, "Package", 7))
		dst = s->pkg, has = &s->has_pkg;
	else if (nn == 7 && !strncasecmp(name, "Version", 7))
		dst = s->ver, has = &s->has_ver;
	else if (nn == 6 && !strncasecmp(name, "Source", 6))
		dst = s->src, has = &s->has_src;
	if (!dst)
		return;
	*has = 1;
	if (vn > FIELD_MAX || memchr(v, '\0', vn)) {
		s->unreadable = 1;
		vn = 0;
	}
	memcpy(dst, v, vn);
	dst[vn] = '\0';
}

static int parse(struct pk *k, const char *buf, size_t len)
{
	struct stanza *s = calloc(1, sizeof(*s));
	size_t pos = 0, line = 0;
	int err = 0, open = 0;

	if (!s)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	while (pos < len && err >= 0) {
		const char *l = buf + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		pos += n + (nl != NULL);
		line++;
		if (n && l[n - 1] == '\r')
			n--;
		size_t blank = 0;
		while (blank < n && (l[blank] == ' ' || l[blank] == '\t'))
			blank++;
		if (blank == n) { /* an empty line ends the stanza */
			if (open)
				err = finish_stanza(k, s);
			open = 0;
			continue;
		}
		if (l[0] == '#' || blank) /* a comment, or the next line of a field we do not read */
			continue;
		const char *colon = memchr(l, ':', n);
		if (!colon || colon == l || memchr(l, ' ', (size_t)(colon - l))) {
			char q[64];
			snprintf(q, sizeof(q), "%.*s", (int)(n < 40 ? n : 40), l);
			for (char *c = q; *c; c++)
				if ((unsigned char)*c < 0x20)
					*c = '?';
			warn(k, line, "not a \"Field: value\" line: \"%s%s\"; ignored", q, n > 40 ? "..." : "");
			continue;
		}
		if (!open) {
			memset(s, 0, sizeof(*s));
			s->line = line;
			open = 1;
		}
		field(s, l, (size_t)(colon - l), colon + 1, (size_t)(l + n - colon - 1));
	}
	if (open && err >= 0)
		err = finish_stanza(k, s);
	free(s);
	return err;
}

int feed__packages(vulndb__writer *w, const char *buf, size_t len, const char *ns)
{
	struct pk k = {.w = w, .ns = ns, .dpkg = customs_version_scheme_find("dpkg")};
	char *named = NULL;
	int err;

	if (!k.dpkg)
		return customs__error(CUSTOMS_EINTERNAL, "no dpkg version scheme");
	if (!k.ns)
		k.ns = named = name_release(vulndb__writer_filename(w));
	if (!k.ns) {
		/* the versions tell: the release most of them name */
		if ((err = parse(&k, buf, len)) < 0)
			return err;
		size_t best = 0;
		for (size_t i = 1; i < k.nvotes; i++)
			if (k.votes[i].n > k.votes[best].n)
				best = i;
		if (!k.nvotes)
			return customs__error(CUSTOMS_EFORMAT,
					      "%s: a Packages index of a release customs cannot tell (neither a dists/SUITE "
					      "file name nor +debNN or ~YY.MM versions): name it with --release, e.g. "
					      "--release debian:12",
					      vulndb__writer_filename(w));
		k.ns = k.votes[best].ns;
	}
	k.store = 1;
	err = parse(&k, buf, len);
	free(named);
	return err;
}
