/* classify.c - which licenses a free-form text states (a Debian copyright
 * file that is not machine-readable, a LICENSE file in a jar or a module):
 * distinctive phrases of the license texts Debian ships in
 * /usr/share/common-licenses and of the common permissive licenses, the
 * GNU notices ("either version 2 of the License, or (at your option) any
 * later version"), and references to /usr/share/common-licenses/NAME.
 *
 * The text is first reduced to lowercase words of letters and digits,
 * single-spaced (a version keeps its dots, "2.1", and a trailing "+"), so
 * that line breaks, comment leaders and punctuation do not matter.  Then:
 *   - a full license text is known by its title ("gnu general public
 *     license version 2 june 1991") or by sentences only it has (the MIT
 *     grant, the BSD clauses, the zlib restrictions, ...);
 *   - a GNU license is named with its version by a notice or a reference,
 *     "or later" only when the text grants it ("or (at your option) any
 *     later version", "2.1+"), else that version only, as Debian's short
 *     names and SPDX read a bare version; notices inside a full GNU text
 *     and its "How to Apply" template are not the package's;
 *   - a GNU license named without any version anywhere is kept as a name
 *     ("GPL") from a common-licenses reference, never given a version.
 * Nothing is guessed: a text none of these phrases match gives nothing.
 * Linear in the text (one pass to normalise, one search per phrase); the
 * first CLASSIFY_MAX bytes are read. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "license/license.h"
#include "util/util.h"

#define CLASSIFY_MAX  (4u << 20)
#define NOTICE_WORDS  14   /* from "general public license" to its version */
#define LATER_WORDS   12   /* from the version to "later" */
#define TEMPLATE_SPAN 1200 /* bytes of the "How to Apply" notice template */

/* ---- the normalised text ---- */

static int is_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Lowercase words separated by one space, with a leading and a trailing
 * space so that " word " finds whole words; malloc'd. */
static char *normalise(const char *s, size_t len, size_t *out_len)
{
	char *o = malloc(len + 3);
	size_t n = 0;
	if (!o)
		return NULL;
	o[n++] = ' ';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_alnum(c)) {
			o[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		} else if (c == '.' && n && is_digit((unsigned char)o[n - 1]) && i + 1 < len &&
			   is_digit((unsigned char)s[i + 1])) {
			o[n++] = '.'; /* "2.1" */
		} else if (c == '+' && n && is_digit((unsigned char)o[n - 1])) {
			o[n++] = '+'; /* "2.1+" */
		} else if (o[n - 1] != ' ') {
			o[n++] = ' ';
		}
	}
	if (o[n - 1] != ' ')
		o[n++] = ' ';
	o[n] = '\0';
	*out_len = n;
	return o;
}

/* ---- what was found ---- */

typedef struct hit {
	char id[40];
	size_t pos;
} hit;

typedef struct hits {
	hit v[96];
	size_t n;
} hits;

static void add_hit(hits *h, const char *id, size_t pos)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcmp(h->v[i].id, id)) {
			if (pos < h->v[i].pos)
				h->v[i].pos = pos;
			return;
		}
	if (h->n < sizeof(h->v) / sizeof(h->v[0])) {
		snprintf(h->v[h->n].id, sizeof(h->v[h->n].id), "%s", id);
		h->v[h->n++].pos = pos;
	}
}

/* ---- texts known by a phrase ---- */

/* Each phrase (normalised, whole words) names one license wherever it
 * occurs: titles of full texts and sentences no other license has. */
static const struct {
	const char *phrase, *id;
} phrases[] = {
	{"apache license version 2.0", "Apache-2.0"},
	{"apache license v2.0", "Apache-2.0"},
	{"apache license 2.0", "Apache-2.0"},
	{"apache software license version 2.0", "Apache-2.0"},
	{"the apache software license version 1.1", "Apache-1.1"},
	{"mozilla public license version 2.0", "MPL-2.0"},
	{"mozilla public license v 2.0", "MPL-2.0"},
	{"mozilla public license 2.0", "MPL-2.0"},
	{"mozilla public license version 1.1", "MPL-1.1"},
	{"eclipse public license version 1.0", "EPL-1.0"},
	{"eclipse public license v1.0", "EPL-1.0"},
	{"eclipse public license v 1.0", "EPL-1.0"},
	{"eclipse public license version 2.0", "EPL-2.0"},
	{"eclipse public license v2.0", "EPL-2.0"},
	{"eclipse public license v 2.0", "EPL-2.0"},
	{"common development and distribution license cddl version 1.0", "CDDL-1.0"},
	{"boost software license version 1.0", "BSL-1.0"},
	{"cc0 1.0 universal", "CC0-1.0"},
	{"this is free and unencumbered software released into the public domain", "Unlicense"},
	{"do what the fuck you want to public license", "WTFPL"},
	{"permission is hereby granted free of charge to any person obtaining a copy of this software and associated "
	 "documentation files",
	 "MIT"},
	{"permission is hereby granted free of charge to any person obtaining a copy of this software and or "
	 "associated "
	 "documentation files",
	 "MIT"},
	{"permission to use copy modify and or distribute this software for any purpose with or without fee is hereby "
	 "granted provided that the above copyright notice and this permission notice appear in all copies",
	 "ISC"},
	{"permission to use copy modify and or distribute this software for any purpose with or without fee is hereby "
	 "granted the software is provided as is",
	 "0BSD"},
	{"permission is granted to anyone to use this software for any purpose including commercial applications and "
	 "to "
	 "alter it and redistribute it freely",
	 "Zlib"},
	{"the artistic license preamble the intent of this document is to state the conditions under which a package "
	 "may be copied",
	 "Artistic-1.0"},
	{"the artistic license 2.0", "Artistic-2.0"},
	{"this product includes software developed by the openssl project for use in the openssl toolkit", "OpenSSL"},
	{NULL, NULL},
};

/* Every whole-word occurrence of phrase: the first from *from. */
static const char *find_phrase(const char *t, const char *from, const char *phrase)
{
	size_t pl = strlen(phrase);
	for (const char *p = from; (p = strstr(p, phrase)); p++)
		if (p[-1] == ' ' && p[pl] == ' ')
			return p;
	return NULL;
}

/* Python's license is a stack of four; PSF's alone is PSF-2.0. */
static void python_license(hits *h, const char *t)
{
	const char *psf = find_phrase(t, t + 1, "python software foundation license version 2");
	if (!psf)
		return;
	if (find_phrase(t, t + 1, "beopen python open source license agreement version 1") &&
	    find_phrase(t, t + 1, "cnri license agreement"))
		add_hit(h, "Python-2.0", (size_t)(psf - t));
	else
		add_hit(h, "PSF-2.0", (size_t)(psf - t));
}

/* BSD: the two redistribution clauses, then which others follow before the
 * disclaimer (an endorsement clause: 3-clause; with the advertising clause
 * too: 4-clause).  Each occurrence is one text. */
static void bsd_licenses(hits *h, const char *t)
{
	static const char anchor[] =
		"redistribution and use in source and binary forms with or without modification are "
		"permitted provided that the following conditions are met";
	for (const char *p = t + 1; (p = find_phrase(t, p, anchor)); p++) {
		const char *next = find_phrase(t, p + 1, anchor);
		const char *end = p + strlen(anchor);
		size_t span = 0;
		/* the clauses lie before the disclaimer, and before the next text */
		while (end[span] && span < 3000 && (!next || end + span < next))
			span++;
		char *w = malloc(span + 2);
		if (!w)
			return;
		w[0] = ' ';
		memcpy(w + 1, end, span);
		w[span + 1] = '\0';
		char *disclaimer = strstr(w, " this software is provided by ");
		if (!disclaimer)
			disclaimer = strstr(w, " the software is provided by ");
		if (disclaimer)
			disclaimer[1] = '\0';
		int source = strstr(w, " redistributions of source code must retain") != NULL;
		int binary = strstr(w, " redistributions in binary form must reproduce") != NULL;
		int endorse = strstr(w, " to endorse or promote products derived from this software") != NULL;
		int advert =
			strstr(w,
			       " all advertising materials mentioning features or use of this software must display") !=
			NULL;
		free(w);
		if (!source || !binary)
			continue;
		const char *id = advert ? (endorse ? "BSD-4-Clause" : NULL) : endorse ? "BSD-3-Clause" : "BSD-2-Clause";
		if (id)
			add_hit(h, id, (size_t)(p - t));
	}
}

/* ---- the GNU licenses ---- */

enum { GPL, LGPL, AGPL, GFDL, NFAM };
static const char *const fam_names[NFAM] = {"GPL", "LGPL", "AGPL", "GFDL"};

enum { Q_ONLY = 1, Q_LATER = 2, Q_UNSAID = 4 };

typedef struct gnu_version {
	int fam;
	char ver[8]; /* "2.0", "2.1" */
	int q;       /* Q_* seen */
	size_t pos;
} gnu_version;

typedef struct gnu {
	gnu_version v[32];
	size_t n;
	size_t bare_pos[NFAM]; /* a common-licenses reference without a version, +1 */
	/* spans of full GNU texts and of their notice templates: not notices */
	struct {
		size_t from, to;
	} skip[32];
	size_t nskip;
} gnu;

static void gnu_add(gnu *g, int fam, const char *ver, size_t vlen, int q, size_t pos)
{
	char v[8];
	if (!vlen || vlen > 4)
		return;
	/* "2" is 2.0; "2.1" stays */
	snprintf(v, sizeof(v), "%.*s%s", (int)vlen, ver, memchr(ver, '.', vlen) ? "" : ".0");
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].fam == fam && !strcmp(g->v[i].ver, v)) {
			g->v[i].q |= q;
			if (pos < g->v[i].pos)
				g->v[i].pos = pos;
			return;
		}
	if (g->n < sizeof(g->v) / sizeof(g->v[0])) {
		g->v[g->n] = (gnu_version){.fam = fam, .q = q, .pos = pos};
		memcpy(g->v[g->n].ver, v, sizeof(v));
		g->n++;
	}
}

static int skipped(const gnu *g, size_t pos)
{
	for (size_t i = 0; i < g->nskip; i++)
		if (pos >= g->skip[i].from && pos < g->skip[i].to)
			return 1;
	return 0;
}

static void skip_span(gnu *g, size_t from, size_t to)
{
	if (g->nskip < sizeof(g->skip) / sizeof(g->skip[0]))
		g->skip[g->nskip].from = from, g->skip[g->nskip++].to = to;
}

/* A version word at p: "2", "2.1", "2.1+", "v2", "v2.1+"; its digits in
 * *ver and *vlen, 1 with a "+". -1 when p holds none. */
static int version_word(const char *p, const char **ver, size_t *vlen)
{
	if (*p == 'v' && is_digit((unsigned char)p[1]))
		p++;
	if (!is_digit((unsigned char)*p))
		return -1;
	size_t n = 0;
	while (is_digit((unsigned char)p[n]) || p[n] == '.')
		n++;
	if (p[n] != ' ' && p[n] != '+')
		return -1;
	*ver = p, *vlen = n;
	return p[n] == '+';
}

/* The next word after p (which points into a word or at its space). */
static const char *next_word(const char *p)
{
	while (*p && *p != ' ')
		p++;
	return *p ? p + 1 : p;
}

/* After an anchor naming a family (at word w): its version within
 * NOTICE_WORDS words ("version 2", "v2", "2.1+", "gplv3"), and "later"
 * within LATER_WORDS after it. */
static void gnu_notice(gnu *g, int fam, const char *w, size_t pos)
{
	const char *ver = NULL;
	size_t vlen = 0;
	int plus = -1;
	for (int i = 0; i < NOTICE_WORDS && *w; i++, w = next_word(w)) {
		if (!strncmp(w, "version ", 8) || !strncmp(w, "v ", 2)) {
			const char *nx = next_word(w);
			if ((plus = version_word(nx, &ver, &vlen)) >= 0) {
				w = nx;
				break;
			}
		} else if ((plus = version_word(w, &ver, &vlen)) >= 0 && (i == 0 || *w == 'v')) {
			break; /* "GPL 2", "gpl v3" right after the name */
		}
		plus = -1;
		/* another GNU license's name ends this one's notice */
		if (i > 0 && (!strncmp(w, "general public license ", 23) || !strncmp(w, "free documentation ", 19)))
			break;
	}
	if (plus < 0)
		return;
	int later = plus > 0;
	w = next_word(w);
	for (int i = 0; i < LATER_WORDS && *w && !later; i++, w = next_word(w))
		later = !strncmp(w, "later ", 6);
	gnu_add(g, fam, ver, vlen, later ? Q_LATER : Q_ONLY, pos);
}

/* Where the text that starts at p ends: the next marker, else the end
 * (tl).  c remembers the last search for one marker, so that a text
 * repeating its title without ever ending costs one search in all, not
 * one per title; start it zeroed. */
typedef struct span_cache {
	const char *found;
	size_t from;
	int valid;
} span_cache;

static size_t span_end(span_cache *c, const char *t, size_t tl, const char *p, const char *marker)
{
	size_t from = (size_t)(p - t);
	if (!c->valid || from < c->from || (c->found && (size_t)(c->found - t) < from)) {
		c->found = find_phrase(t, p, marker);
		c->from = from;
		c->valid = 1;
	}
	return c->found ? (size_t)(c->found - t) : tl;
}

/* Full GNU texts by their titles: the version, and the span to skip. */
static void gnu_texts(gnu *g, const char *t)
{
	static const struct {
		const char *title;
		int fam;
		const char *ver;
	} titles[] = {
		{"gnu general public license version 1 february 1989", GPL, "1"},
		{"gnu general public license version 2 june 1991", GPL, "2"},
		{"gnu general public license version 3 29 june 2007", GPL, "3"},
		{"gnu library general public license version 2 june 1991", LGPL, "2"},
		{"gnu lesser general public license version 2.1 february 1999", LGPL, "2.1"},
		{"gnu lesser general public license version 3 29 june 2007", LGPL, "3"},
		{"gnu affero general public license version 3 19 november 2007", AGPL, "3"},
		{"gnu free documentation license version 1.1 march 2000", GFDL, "1.1"},
		{"gnu free documentation license version 1.2 november 2002", GFDL, "1.2"},
		{"gnu free documentation license version 1.3 3 november 2008", GFDL, "1.3"},
	};
	size_t tl = strlen(t);
	span_cache terms = {0}, mpl = {0};
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++) {
		terms.valid = 0; /* titles are searched from the start again */
		for (const char *p = t + 1; (p = find_phrase(t, p, titles[i].title)); p++) {
			gnu_add(g, titles[i].fam, titles[i].ver, strlen(titles[i].ver), Q_UNSAID, (size_t)(p - t));
			skip_span(g, (size_t)(p - t), span_end(&terms, t, tl, p, "end of terms and conditions"));
		}
	}
	/* MPL-2.0 names the GNU licenses as its "Secondary Licenses" */
	for (const char *p = t + 1; (p = find_phrase(t, p, "mozilla public license version 2.0 1 definitions")); p++)
		skip_span(g, (size_t)(p - t), span_end(&mpl, t, tl, p, "incompatible with secondary licenses notice"));
	/* the notice a GNU text tells its users to copy */
	static const char *const templates[] = {"one line to give the program s name and",
						"one line to give the library s name and", NULL};
	for (int i = 0; templates[i]; i++)
		for (const char *p = t + 1; (p = find_phrase(t, p, templates[i])); p++)
			skip_span(g, (size_t)(p - t), (size_t)(p - t) + TEMPLATE_SPAN);
}

/* "/usr/share/common-licenses/GPL-2": a version without a qualifier (or
 * none: "GPL"), or another license's text. */
static void common_licenses(hits *h, gnu *g, const char *raw, size_t len)
{
	static const char dir[] = "/usr/share/common-licenses/";
	static const struct {
		const char *file, *id;
	} others[] = {{"Apache-2.0", "Apache-2.0"}, {"Artistic", "Artistic-1.0"}, {"BSD", "BSD-3-Clause"},
		      {"CC0-1.0", "CC0-1.0"},       {"MPL-1.1", "MPL-1.1"},       {"MPL-2.0", "MPL-2.0"}};
	const char *end = raw + len;
	for (const char *p = raw; p < end && (p = memmem(p, (size_t)(end - p), dir, sizeof(dir) - 1)); p++) {
		const char *f = p + sizeof(dir) - 1;
		size_t n = 0;
		while (f + n < end && (is_alnum((unsigned char)f[n]) || f[n] == '-' || f[n] == '.' || f[n] == '+'))
			n++;
		while (n && (f[n - 1] == '.' || f[n - 1] == '-'))
			n--; /* the end of a sentence */
		size_t pos = (size_t)(p - raw);
		int matched = 0;
		for (size_t i = 0; i < sizeof(others) / sizeof(others[0]) && !matched; i++)
			if (strlen(others[i].file) == n && !memcmp(f, others[i].file, n))
				add_hit(h, others[i].id, pos), matched = 1;
		for (int fam = NFAM - 1; fam >= 0 && !matched; fam--) {
			size_t fl = strlen(fam_names[fam]);
			if (n < fl || memcmp(f, fam_names[fam], fl))
				continue;
			matched = 1;
			if (n == fl) {
				if (!g->bare_pos[fam] || pos + 1 < g->bare_pos[fam])
					g->bare_pos[fam] = pos + 1;
			} else if (f[fl] == '-') {
				gnu_add(g, fam, f + fl + 1, n - fl - 1, Q_UNSAID, pos);
			}
		}
	}
}

/* Every GNU notice: "... general public license ...", "free documentation
 * license", and the abbreviations "gpl", "lgplv2.1+", "agpl". */
static void gnu_notices(gnu *g, const char *t)
{
	for (const char *p = t + 1; (p = find_phrase(t, p, "general public license")); p++) {
		size_t pos = (size_t)(p - t);
		if (skipped(g, pos))
			continue;
		int fam = GPL;
		if (pos >= 7 && !strncmp(p - 7, "lesser ", 7))
			fam = LGPL;
		else if (pos >= 8 && !strncmp(p - 8, "library ", 8))
			fam = LGPL;
		else if (pos >= 7 && !strncmp(p - 7, "affero ", 7))
			fam = AGPL;
		gnu_notice(g, fam, next_word(p + strlen("general public")), pos);
	}
	for (const char *p = t + 1; (p = find_phrase(t, p, "free documentation license")); p++)
		if (!skipped(g, (size_t)(p - t)))
			gnu_notice(g, GFDL, next_word(p + strlen("free documentation")), (size_t)(p - t));
	for (const char *p = t; (p = strstr(p + 1, "gpl"));) {
		if (p[-1] != ' ' && !((p[-1] == 'l' || p[-1] == 'a') && p[-2] == ' '))
			continue;
		const char *w = p[-1] == ' ' ? p : p - 1;
		int fam = w[0] == 'l' ? LGPL : w[0] == 'a' ? AGPL : GPL;
		const char *after = p + 3;
		size_t pos = (size_t)(w - t);
		if (skipped(g, pos))
			continue;
		if (*after == ' ') {
			gnu_notice(g, fam, after + 1, pos);
		} else {
			/* "gplv2", "gpl2+", "lgplv2.1" in one word */
			const char *ver;
			size_t vlen;
			int plus = version_word(after, &ver, &vlen);
			if (plus >= 0 && ver + vlen + (plus > 0) == strchr(after, ' ')) {
				const char *nx = next_word(after);
				int later = plus > 0;
				for (int i = 0; i < LATER_WORDS && *nx && !later; i++, nx = next_word(nx))
					later = !strncmp(nx, "later ", 6);
				gnu_add(g, fam, ver, vlen, later ? Q_LATER : Q_ONLY, pos);
			}
		}
	}
}

/* The GNU findings as SPDX ids: "or later" where granted; the version
 * alone where it is only named (dropped when the same version is granted
 * "or later" elsewhere: the text then names the license it is under). */
static void gnu_results(hits *h, const gnu *g)
{
	int versioned[NFAM] = {0};
	for (size_t i = 0; i < g->n; i++) {
		const gnu_version *v = &g->v[i];
		const char *canon;
		char id[40];
		if (v->q & Q_LATER) {
			snprintf(id, sizeof(id), "%s-%s-or-later", fam_names[v->fam], v->ver);
			if (customs__spdx_license_id(id, &canon))
				add_hit(h, canon, v->pos), versioned[v->fam] = 1;
			continue;
		}
		snprintf(id, sizeof(id), "%s-%s-only", fam_names[v->fam], v->ver);
		if (customs__spdx_license_id(id, &canon))
			add_hit(h, canon, v->pos), versioned[v->fam] = 1;
	}
	for (int fam = 0; fam < NFAM; fam++)
		if (g->bare_pos[fam] && !versioned[fam])
			add_hit(h, fam_names[fam], g->bare_pos[fam] - 1);
}

static int by_pos(const void *a, const void *b)
{
	const hit *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos ? 1 : strcmp(x->id, y->id);
}

int customs__license_classify(customs_strlist *out, const char *text, size_t len)
{
	size_t tl;
	if (len > CLASSIFY_MAX)
		len = CLASSIFY_MAX;
	char *t = normalise(text, len, &tl);
	hits *h = calloc(1, sizeof(*h));
	gnu *g = calloc(1, sizeof(*g));
	int err = 0;
	if (!t || !h || !g) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory");
		goto done;
	}
	for (int i = 0; phrases[i].phrase; i++) {
		const char *p = find_phrase(t, t + 1, phrases[i].phrase);
		if (p)
			add_hit(h, phrases[i].id, (size_t)(p - t));
	}
	python_license(h, t);
	bsd_licenses(h, t);
	gnu_texts(g, t);
	common_licenses(h, g, text, len);
	gnu_notices(g, t);
	gnu_results(h, g);
	qsort(h->v, h->n, sizeof(h->v[0]), by_pos);
	for (size_t i = 0; i < h->n && err == 0; i++)
		if (!customs_strlist_contains(out, h->v[i].id) && customs_strlist_add(out, h->v[i].id) < 0)
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
done:
	free(t);
	free(h);
	free(g);
	return err;
}

/* ---- license URLs ---- */

/* Where the common licenses are published, without scheme and "www.",
 * compared ignoring case and a trailing "/", ".html", ".txt" or ".php". */
static const struct {
	const char *url, *id;
} urls[] = {
	{"apache.org/licenses/LICENSE-2.0", "Apache-2.0"},
	{"opensource.org/licenses/apache2.0", "Apache-2.0"},
	{"opensource.org/licenses/mit-license", "MIT"},
	{"opensource.org/licenses/bsd-license", "BSD-2-Clause"},
	{"eclipse.org/legal/epl-v10", "EPL-1.0"},
	{"eclipse.org/legal/epl-v20", "EPL-2.0"},
	{"eclipse.org/legal/epl-2.0", "EPL-2.0"},
	{"eclipse.org/org/documents/edl-v10", "BSD-3-Clause"}, /* the Eclipse Distribution License is BSD-3-Clause */
	{"mozilla.org/MPL/2.0", "MPL-2.0"},
	{"mozilla.org/MPL/MPL-1.1", "MPL-1.1"},
	{"creativecommons.org/publicdomain/zero/1.0", "CC0-1.0"},
	{"unlicense.org", "Unlicense"},
	{"gnu.org/licenses/gpl-2.0", "GPL-2.0-only"},
	{"gnu.org/licenses/old-licenses/gpl-2.0", "GPL-2.0-only"},
	{"gnu.org/licenses/gpl-3.0", "GPL-3.0-only"},
	{"gnu.org/licenses/old-licenses/lgpl-2.1", "LGPL-2.1-only"},
	{"gnu.org/licenses/lgpl-2.1", "LGPL-2.1-only"},
	{"gnu.org/licenses/lgpl-3.0", "LGPL-3.0-only"},
	{"gnu.org/licenses/agpl-3.0", "AGPL-3.0-only"},
};

const char *customs__license_url_id(const char *url)
{
	const char *u = url, *canon;
	while (*u == ' ')
		u++;
	if (!strncasecmp(u, "https://", 8))
		u += 8;
	else if (!strncasecmp(u, "http://", 7))
		u += 7;
	if (!strncasecmp(u, "www.", 4))
		u += 4;
	size_t n = strlen(u);
	while (n && (u[n - 1] == ' ' || u[n - 1] == '/'))
		n--;
	static const char *const exts[] = {".html", ".txt", ".php", ".json", NULL};
	for (int i = 0; exts[i]; i++) {
		size_t el = strlen(exts[i]);
		if (n > el && !strncasecmp(u + n - el, exts[i], el)) {
			n -= el;
			break;
		}
	}
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		if (strlen(urls[i].url) == n && !strncasecmp(u, urls[i].url, n))
			return urls[i].id;
	/* opensource.org/licenses/<id> and spdx.org/licenses/<id> name the id */
	static const char *const by_id[] = {"opensource.org/licenses/", "spdx.org/licenses/", NULL};
	for (int i = 0; by_id[i]; i++) {
		size_t pl = strlen(by_id[i]);
		char id[64];
		if (n <= pl || n - pl >= sizeof(id) || strncasecmp(u, by_id[i], pl))
			continue;
		memcpy(id, u + pl, n - pl);
		id[n - pl] = '\0';
		if (!strchr(id, '/') && customs__spdx_license_id(id, &canon))
			return canon;
	}
	return NULL;
}
