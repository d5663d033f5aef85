/* java_pom.c - the licenses of an embedded Maven POM (META-INF/maven/<g>/
 * <a>/pom.xml, Maven POM 4.0.0 "licenses": <project><licenses><license>
 * <name>, <url>): a bounded scanner for the small part of XML 1.0 a POM
 * uses (elements, attributes, comments, CDATA, processing instructions, a
 * DOCTYPE skipped whole, the five predefined entities and character
 * references; no external or declared entities are ever expanded).
 * Elements deeper than POM_MAX_DEPTH and license fields longer than
 * POM_MAX_FIELD stop the scan with a warning (java.c reads at most 1 MiB
 * of a pom.xml); what was found before stays. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzers/analyzers.h"
#include "license/license.h"
#include "util/util.h"

#define POM_MAX_DEPTH 64
#define POM_MAX_NAME  128
#define POM_MAX_FIELD 4096

typedef struct pom {
	const char *b;
	size_t len, i, line;
	char stack[POM_MAX_DEPTH][POM_MAX_NAME];
	size_t depth;
	customs_buf name, url; /* of the <license> being read */
	int field;             /* 1 name, 2 url, 0 none */
	customs_strlist *out;
	customs_parse_warn_fn warn;
	void *ud;
} pom;

static int bad(pom *x, const char *msg)
{
	customs__parse_warnf(x->warn, x->ud, x->line, "pom.xml is not read further: %s", msg);
	return CUSTOMS_EFORMAT;
}

/* Advance to just past the first occurrence of end; 0 when it is not
 * there.  Counts lines on the way. */
static int skip_past(pom *x, const char *end)
{
	size_t el = strlen(end);
	while (x->i + el <= x->len) {
		if (!memcmp(x->b + x->i, end, el)) {
			x->i += el;
			return 1;
		}
		x->line += x->b[x->i++] == '\n';
	}
	x->i = x->len;
	return 0;
}

static int is_name_char(unsigned char c)
{
	return c > ' ' && c != '>' && c != '/' && c != '=' && c != '<' && c != '"' && c != '\'';
}

/* Append text to the field being read, entities decoded. */
static int put_text(pom *x, const char *s, size_t n, int cdata)
{
	customs_buf *b = x->field == 1 ? &x->name : x->field == 2 ? &x->url : NULL;
	if (!b)
		return 0;
	if (b->len + n > POM_MAX_FIELD)
		return bad(x, "a <license> field over 4096 bytes");
	for (size_t k = 0; k < n; k++) {
		char c = s[k];
		if (c == '&' && !cdata) {
			const char *semi = memchr(s + k, ';', n - k < 12 ? n - k : 12);
			static const struct {
				const char *e;
				char c;
			} ents[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
			size_t el = semi ? (size_t)(semi - (s + k)) + 1 : 0;
			int done = 0;
			for (size_t e = 0; e < 5 && !done; e++)
				if (el == strlen(ents[e].e) && !memcmp(s + k, ents[e].e, el))
					c = ents[e].c, done = 1;
			if (!done && el > 3 && s[k + 1] == '#') {
				unsigned long v =
					strtoul(s + k + (s[k + 2] == 'x' ? 3 : 2), NULL, s[k + 2] == 'x' ? 16 : 10);
				if (v < 128 && v >= 32) /* ASCII: enough for license names and URLs */
					c = (char)v, done = 1;
			}
			if (done)
				k += el - 1;
		}
		if (customs_buf_put(b, &c, 1) < 0)
			return CUSTOMS_ENOMEM;
	}
	return 0;
}

static char *trim_dup(const customs_buf *b)
{
	const char *s = b->len ? b->ptr : "";
	size_t n = b->len;
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return customs_utf8_strndup(s, n);
}

/* One <license>: its name as SPDX when it is an expression or a known
 * spelling; else its URL when that names one license; else the name (or
 * the URL) as it is. */
static int license_done(pom *x)
{
	char *name = trim_dup(&x->name), *url = trim_dup(&x->url);
	int err = 0;
	x->name.len = x->url.len = 0;
	if (!name || !url) {
		err = CUSTOMS_ENOMEM;
		goto done;
	}
	char *id = *name ? customs__spdx_normalize(name) : NULL;
	if (!id) {
		customs_error_clear();
		const char *u = *url ? customs__license_url_id(url) : NULL;
		id = customs_strdup(u ? u : *name ? name : url);
	}
	if (!id)
		err = CUSTOMS_ENOMEM;
	else if (*id && !customs_strlist_contains(x->out, id) && customs_strlist_add(x->out, id) < 0)
		err = CUSTOMS_ENOMEM;
	free(id);
done:
	free(name);
	free(url);
	return err;
}

/* Is the open path project/licenses/license[/leaf]? */
static int at_license(const pom *x, size_t depth, const char *leaf)
{
	return x->depth == depth && !strcmp(x->stack[0], "project") && !strcmp(x->stack[1], "licenses") &&
	       !strcmp(x->stack[2], "license") && (!leaf || !strcmp(x->stack[3], leaf));
}

static int open_tag(pom *x)
{
	size_t s = x->i, n = 0;
	while (x->i < x->len && is_name_char((unsigned char)x->b[x->i]))
		x->i++;
	n = x->i - s;
	/* attributes: quoted values may hold '>' */
	while (x->i < x->len && x->b[x->i] != '>' &&
	       !(x->b[x->i] == '/' && x->i + 1 < x->len && x->b[x->i + 1] == '>')) {
		char q = x->b[x->i];
		if (q == '"' || q == '\'') {
			const char *e = memchr(x->b + x->i + 1, q, x->len - x->i - 1);
			if (!e)
				return bad(x, "an attribute value is not closed");
			for (const char *c = x->b + x->i; c < e; c++)
				x->line += *c == '\n';
			x->i = (size_t)(e - x->b) + 1;
			continue;
		}
		x->line += q == '\n';
		x->i++;
	}
	if (x->i >= x->len)
		return bad(x, "a tag is not closed at the end of the file");
	int empty = x->b[x->i] == '/';
	x->i += empty ? 2 : 1;
	if (!n)
		return bad(x, "a tag without a name: not XML");
	const char *name = x->b + s, *colon = memchr(name, ':', n);
	if (colon) /* a namespace prefix */
		n -= (size_t)(colon + 1 - name), name = colon + 1;
	if (empty)
		return 0;
	if (x->depth == POM_MAX_DEPTH)
		return bad(x, "elements nested deeper than 64 levels");
	snprintf(x->stack[x->depth], POM_MAX_NAME, "%.*s", (int)(n < POM_MAX_NAME - 1 ? n : POM_MAX_NAME - 1), name);
	x->depth++;
	x->field = at_license(x, 4, "name") ? 1 : at_license(x, 4, "url") ? 2 : 0;
	return 0;
}

static int close_tag(pom *x)
{
	size_t s = x->i;
	while (x->i < x->len && is_name_char((unsigned char)x->b[x->i]))
		x->i++;
	const char *name = x->b + s, *colon = memchr(name, ':', x->i - s);
	size_t n = x->i - s;
	if (colon)
		n -= (size_t)(colon + 1 - name), name = colon + 1;
	if (!skip_past(x, ">"))
		return bad(x, "a tag is not closed at the end of the file");
	if (!x->depth || strlen(x->stack[x->depth - 1]) != n || memcmp(x->stack[x->depth - 1], name, n)) {
		char what[160];
		snprintf(what, sizeof(what), "not well-formed: </%.*s> closes <%s>", (int)(n > 64 ? 64 : n), name,
			 x->depth ? x->stack[x->depth - 1] : "nothing");
		return bad(x, what);
	}
	int err = at_license(x, 3, NULL) ? license_done(x) : 0;
	x->depth--;
	x->field = 0;
	return err;
}

int customs__java_parse_pom_licenses(customs_strlist *out, const char *buf, size_t len, customs_parse_warn_fn warn,
				     void *ud)
{
	pom *x = calloc(1, sizeof(*x));
	int err = 0;
	if (!x)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	*x = (pom){.b = buf, .len = len, .line = 1, .out = out, .warn = warn, .ud = ud};
	while (x->i < x->len && err == 0) {
		const char *p = x->b + x->i;
		size_t left = x->len - x->i;
		if (*p != '<') {
			const char *lt = memchr(p, '<', left);
			size_t n = lt ? (size_t)(lt - p) : left;
			for (size_t k = 0; k < n; k++)
				x->line += p[k] == '\n';
			err = put_text(x, p, n, 0);
			x->i += n;
		} else if (left >= 4 && !memcmp(p, "<!--", 4)) {
			x->i += 4;
			if (!skip_past(x, "-->"))
				err = bad(x, "a comment is not closed at the end of the file");
		} else if (left >= 9 && !memcmp(p, "<![CDATA[", 9)) {
			size_t from = x->i + 9;
			x->i = from;
			if (!skip_past(x, "]]>"))
				err = bad(x, "a CDATA section is not closed at the end of the file");
			else
				err = put_text(x, x->b + from, x->i - 3 - from, 1);
		} else if (left >= 2 && p[1] == '?') {
			x->i += 2;
			if (!skip_past(x, "?>"))
				err = bad(x, "a processing instruction is not closed at the end of the file");
		} else if (left >= 2 && p[1] == '!') {
			/* <!DOCTYPE ...> with an internal subset in brackets: skipped,
			 * its entities never expanded */
			x->i += 2;
			int in_subset = 0;
			while (x->i < x->len && !(x->b[x->i] == '>' && !in_subset)) {
				in_subset = x->b[x->i] == '[' ? 1 : x->b[x->i] == ']' ? 0 : in_subset;
				x->line += x->b[x->i++] == '\n';
			}
			if (x->i++ >= x->len)
				err = bad(x, "a declaration is not closed at the end of the file");
		} else if (left >= 2 && p[1] == '/') {
			x->i += 2;
			err = close_tag(x);
		} else {
			x->i++;
			err = open_tag(x);
		}
	}
	if (err == 0 && x->depth) {
		char what[192];
		snprintf(what, sizeof(what), "<%s> is not closed at the end of the file", x->stack[x->depth - 1]);
		err = bad(x, what);
	}
	customs_buf_release(&x->name);
	customs_buf_release(&x->url);
	free(x);
	return err == CUSTOMS_ENOMEM ? customs__error(CUSTOMS_ENOMEM, "out of memory") : err;
}
