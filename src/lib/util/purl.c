/* purl.c - Package URL parsing and canonical building.
 *
 * Spec: ECMA-427 Package-URL, clause 5 (components, permitted characters,
 * percent-encoding, case folding) with purl-spec's "how to parse" and "how to
 * build" procedures; the per-type rules are the ones purl-spec's test suite
 * (tests/types/<type>-test.json) checks.  Parse and build share one
 * normaliser, so what parses builds, and what builds parses back the same.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "customs/purl.h"
#include "util/util.h"

/* ---- per-type rules ---- */

enum {
	T_LOWER_NS = 1u << 0,      /* namespace is case-insensitive: lowercase */
	T_LOWER_NAME = 1u << 1,    /* name is case-insensitive: lowercase */
	T_PYPI_NAME = 1u << 2,     /* PEP 503: runs of "-", "_", "." become one "-" */
	T_LOWER_VERSION = 1u << 3, /* huggingface: the version is a commit hash */
	T_NS_REQUIRED = 1u << 4,
	T_NS_PROHIBITED = 1u << 5,
	T_NS_HOST = 1u << 6,       /* git: namespace is the host, name the path on it */
	T_MLFLOW = 1u << 7,        /* name is case-insensitive on Databricks only */
	T_CPAN = 1u << 8,          /* name is a distribution, never a Module::Name */
	T_CHROME = 1u << 9,        /* name is 32 letters a-p; version 1-4 numbers */
	T_UUID_REQUIRED = 1u << 10, /* julia */
};

/* Types with rules beyond clause 5; every other type is case-sensitive and
 * has no requirements.  Taken from the test suite and the type definitions
 * it agrees with.  golang is deliberately not lowercased: its definition
 * says so, but Go module paths are case-sensitive (the module proxy escapes
 * capitals) and the suite does not ask for it. */
static const struct purl_type {
	const char *name;
	unsigned rules;
} purl_types[] = {
	{"alpm", T_LOWER_NS | T_LOWER_NAME},
	{"apk", T_LOWER_NS | T_LOWER_NAME},
	{"bitbucket", T_LOWER_NS | T_LOWER_NAME},
	{"bitnami", T_LOWER_NS | T_LOWER_NAME},
	{"brew", T_LOWER_NS | T_LOWER_NAME},
	{"chrome-extension", T_LOWER_NAME | T_NS_PROHIBITED | T_CHROME},
	{"composer", T_LOWER_NS | T_LOWER_NAME},
	{"cpan", T_CPAN},
	{"deb", T_LOWER_NS | T_LOWER_NAME},
	{"git", T_NS_HOST},
	{"github", T_LOWER_NS | T_LOWER_NAME},
	{"hex", T_LOWER_NS | T_LOWER_NAME},
	{"huggingface", T_LOWER_VERSION},
	{"julia", T_NS_PROHIBITED | T_UUID_REQUIRED},
	{"luarocks", T_LOWER_NS | T_LOWER_NAME},
	{"mlflow", T_NS_PROHIBITED | T_MLFLOW},
	{"npm", T_LOWER_NS | T_LOWER_NAME},
	{"oci", T_LOWER_NAME},
	{"otp", T_LOWER_NAME | T_NS_PROHIBITED},
	{"pub", T_LOWER_NS | T_LOWER_NAME},
	{"pypi", T_LOWER_NAME | T_PYPI_NAME | T_NS_PROHIBITED},
	{"rpm", T_LOWER_NS},
	{"swift", T_NS_REQUIRED},
	{"vcpkg", T_NS_PROHIBITED},
	{"vscode-extension", T_NS_REQUIRED},
};

static unsigned type_rules(const char *type)
{
	for (size_t i = 0; i < sizeof(purl_types) / sizeof(purl_types[0]); i++)
		if (!strcmp(purl_types[i].name, type))
			return purl_types[i].rules;
	return 0;
}

/* ---- errors: every message starts with the purl it is about ---- */

/* What a message is about: the input string, or the components given to
 * build.  Formatted only when there is an error to report. */
struct pctx {
	const char *input; /* parse: the purl and its length */
	size_t n;
	const customs_purl *comp; /* build */
};

/* Printable ASCII as is, everything else as \xNN, cut at about `max` bytes:
 * the string comes from an image and ends up in logs and terminals. */
static void quote(char *dst, size_t dstsz, const char *s, size_t n, size_t max)
{
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (j + 8 >= dstsz || i >= max) {
			if (j + 4 <= dstsz) {
				memcpy(dst + j, "...", 3);
				j += 3;
			}
			break;
		}
		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			dst[j++] = (char)ch;
		else
			j += (size_t)snprintf(dst + j, dstsz - j, "\\x%02x", ch);
	}
	dst[j] = '\0';
}

static void quote_str(char *dst, size_t dstsz, const char *s, size_t max)
{
	quote(dst, dstsz, s ? s : "", s ? strlen(s) : 0, max);
}

static int perr(const struct pctx *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(const struct pctx *c, int code, const char *fmt, ...)
{
	char msg[600], a[200], b[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->comp) {
		quote_str(a, 64, c->comp->type, 40);
		quote_str(b, sizeof(b), c->comp->name, 120);
		return customs__error(code, "purl components (type \"%s\", name \"%s\"): %s", a, b, msg);
	}
	quote(a, sizeof(a), c->input, c->n, 150);
	return customs__error(code, "purl \"%s\": %s", a, msg);
}

static int nomem(void)
{
	return customs__error(CUSTOMS_ENOMEM, "out of memory handling a purl");
}

/* ---- characters ---- */

static int is_lower(int ch) { return ch >= 'a' && ch <= 'z'; }
static int is_upper(int ch) { return ch >= 'A' && ch <= 'Z'; }
static int is_digit(int ch) { return ch >= '0' && ch <= '9'; }
static int is_alpha(int ch) { return is_lower(ch) || is_upper(ch); }
static int is_alnum(int ch) { return is_alpha(ch) || is_digit(ch); }

/* Clause 5.4: alphanumerics and punctuation ".-_~" are never encoded, nor is
 * ':' whether or not it separates anything; everything else is. */
static int is_unreserved(int ch)
{
	return is_alnum(ch) || ch == '.' || ch == '-' || ch == '_' || ch == '~' || ch == ':';
}

static void ascii_lower(char *s)
{
	for (; *s; s++)
		if (is_upper((unsigned char)*s))
			*s = (char)(*s - 'A' + 'a');
}

static int hexval(int ch)
{
	if (is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int check_utf8(const struct pctx *c, const char *s, const char *what)
{
	if (s && !customs_utf8_valid(s, strlen(s)))
		return perr(c, CUSTOMS_EFORMAT, "%s is not valid UTF-8", what);
	return 0;
}

/* Percent-decode s[0..n) into a new string.  `what` names the component for
 * messages; a `segment` may not decode to a '/'. */
static int pct_decode(const struct pctx *c, char **out, const char *s, size_t n, const char *what, int segment)
{
	char *d = malloc(n + 1);
	size_t j = 0;
	int err;

	*out = NULL;
	if (!d)
		return nomem();
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '%') {
			int hi = n - i >= 3 ? hexval((unsigned char)s[i + 1]) : -1;
			int lo = n - i >= 3 ? hexval((unsigned char)s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				char q[32];
				quote(q, sizeof(q), s + i, n - i < 3 ? n - i : 3, 3);
				err = perr(c, CUSTOMS_EFORMAT, "invalid percent-escape \"%s\" in %s", q, what);
				goto fail;
			}
			ch = (unsigned char)(hi << 4 | lo);
			if (ch == 0) {
				err = perr(c, CUSTOMS_EFORMAT, "percent-encoded NUL byte in %s", what);
				goto fail;
			}
			if (segment && ch == '/') {
				err = perr(c, CUSTOMS_EFORMAT, "encoded '/' (%%2F) inside a %s segment", what);
				goto fail;
			}
			i += 2;
		}
		d[j++] = (char)ch;
	}
	d[j] = '\0';
	if ((err = check_utf8(c, d, what)) < 0)
		goto fail;
	*out = d;
	return 0;
fail:
	free(d);
	return err;
}

/* ---- segments: namespace, git names, subpath ---- */

static int is_dot_segment(const char *s, size_t n)
{
	return (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

/* Parse "/"-separated, percent-encoded segments of s into *out, dropping
 * empty segments (and "." and ".." after decoding when drop_dots). */
static int parse_segments(const struct pctx *c, char **out, const char *s, const char *what, int drop_dots)
{
	customs_buf b = CUSTOMS_BUF_INIT(CUSTOMS_PURL_MAX);
	int err = 0;

	*out = NULL;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n) {
			char *seg;
			if ((err = pct_decode(c, &seg, s, n, what, 1)) < 0)
				goto done;
			if (!(drop_dots && is_dot_segment(seg, strlen(seg))) &&
			    ((b.len && (err = customs_buf_put(&b, "/", 1)) < 0) ||
			     (err = customs_buf_puts(&b, seg)) < 0)) {
				free(seg);
				goto done;
			}
			free(seg);
		}
		s += n;
		if (*s == '/')
			s++;
	}
	if (b.len)
		*out = customs_buf_detach(&b);
done:
	customs_buf_release(&b);
	return err;
}

/* The same cleanup for a decoded component given to build: split on '/',
 * drop empty (and dot) segments, join again; NULL when nothing is left. */
static int clean_segments(char **out, const char *s, int drop_dots)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	int err = 0;

	*out = NULL;
	if (!s)
		return 0;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n && !(drop_dots && is_dot_segment(s, n)) &&
		    ((b.len && (err = customs_buf_put(&b, "/", 1)) < 0) || (err = customs_buf_put(&b, s, n)) < 0))
			goto done;
		s += n;
		if (*s == '/')
			s++;
	}
	if (b.len)
		*out = customs_buf_detach(&b);
done:
	customs_buf_release(&b);
	return err;
}

/* ---- qualifiers ---- */

struct qpair {
	char *key, *val;
};

static int qpair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct qpair *)a)->key, ((const struct qpair *)b)->key);
}

static const char *check_key(const char *k)
{
	if (!*k)
		return "is empty";
	if (!is_lower((unsigned char)k[0]))
		return "does not start with a letter";
	for (; *k; k++) {
		unsigned char ch = (unsigned char)*k;
		if (!(is_lower(ch) || is_digit(ch) || ch == '.' || ch == '-' || ch == '_'))
			return "has a character other than a-z 0-9 . - _";
	}
	return NULL;
}

static int add_qualifier(customs_purl *p, size_t *cap, char *key, char *val)
{
	if (p->nqualifiers == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		char **k = realloc(p->qkeys, ncap * sizeof(*k));
		if (!k)
			return nomem();
		p->qkeys = k;
		char **v = realloc(p->qvals, ncap * sizeof(*v));
		if (!v)
			return nomem();
		p->qvals = v;
		*cap = ncap;
	}
	p->qkeys[p->nqualifiers] = key;
	p->qvals[p->nqualifiers] = val;
	p->nqualifiers++;
	return 0;
}

static int parse_qualifiers(const struct pctx *c, customs_purl *p, char *s, unsigned flags)
{
	size_t cap = 0;
	int err;

	while (*s) {
		char *e = strchr(s, '&'), *eq, *key = NULL, *val = NULL;
		if (e)
			*e = '\0';
		if (*s) {
			char q[100];
			if (!(eq = strchr(s, '='))) {
				quote_str(q, sizeof(q), s, 60);
				return perr(c, CUSTOMS_EFORMAT, "qualifier \"%s\" has no '='", q);
			}
			*eq = '\0';
			if (!(flags & CUSTOMS_PURL_LENIENT)) {
				for (const char *k = s; *k; k++) {
					if (is_upper((unsigned char)*k)) {
						quote_str(q, sizeof(q), s, 60);
						return perr(c, CUSTOMS_EFORMAT, "qualifier key \"%s\" is not lowercase", q);
					}
				}
			}
			if ((err = pct_decode(c, &val, eq + 1, strlen(eq + 1), "qualifier value", 0)) < 0)
				return err;
			if (!*val) {
				free(val); /* "k=" is the same as no k at all */
			} else if (!(key = strdup(s))) {
				free(val);
				return nomem();
			} else if ((err = add_qualifier(p, &cap, key, val)) < 0) {
				free(key);
				free(val);
				return err;
			}
		}
		if (!e)
			break;
		s = e + 1;
	}
	return 0;
}

/* ---- the shared normaliser ---- */

static int check_type(const struct pctx *c, const char *t, size_t n)
{
	char q[100];
	if (n == 0)
		return perr(c, CUSTOMS_EFORMAT, "the type is missing");
	quote(q, sizeof(q), t, n, 60);
	if (!is_alpha((unsigned char)t[0]))
		return perr(c, CUSTOMS_EFORMAT, "type \"%s\" does not start with a letter", q);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)t[i];
		if (!(is_alnum(ch) || ch == '.' || ch == '-'))
			return perr(c, CUSTOMS_EFORMAT, "type \"%s\" has a character other than letters, digits, '.' and '-'", q);
	}
	return 0;
}

static int contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] && (hay[i] | 0x20) == (needle[i] | 0x20))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

static void strip_slashes(char *s)
{
	size_t n = strlen(s), i = 0;
	while (n && s[n - 1] == '/')
		s[--n] = '\0';
	while (s[i] == '/')
		i++;
	if (i)
		memmove(s, s + i, n - i + 1);
}

/* Bring decoded components to their canonical form and check the rules of
 * the type.  Strings only shrink, so this works in place. */
static int normalize(const struct pctx *c, customs_purl *p)
{
	unsigned rules;
	size_t i, j;
	int err;

	if (!p->type)
		return perr(c, CUSTOMS_EFORMAT, "the type is missing");
	if ((err = check_type(c, p->type, strlen(p->type))) < 0)
		return err;
	ascii_lower(p->type);
	rules = type_rules(p->type);

	if (p->namespace_ && !*p->namespace_) {
		free(p->namespace_);
		p->namespace_ = NULL;
	}
	if (p->version && !*p->version) {
		free(p->version);
		p->version = NULL;
	}
	if (p->subpath && !*p->subpath) {
		free(p->subpath);
		p->subpath = NULL;
	}
	if (p->name) {
		strip_slashes(p->name);
		if (rules & T_NS_HOST) {
			char *clean;
			if ((err = clean_segments(&clean, p->name, 0)) < 0)
				return err;
			free(p->name);
			p->name = clean;
		}
	}
	if (!p->name || !*p->name)
		return perr(c, CUSTOMS_EFORMAT, "the name is missing");
	if ((err = check_utf8(c, p->namespace_, "namespace")) < 0 || (err = check_utf8(c, p->name, "name")) < 0 ||
	    (err = check_utf8(c, p->version, "version")) < 0 || (err = check_utf8(c, p->subpath, "subpath")) < 0)
		return err;

	if ((rules & T_LOWER_NS) && p->namespace_)
		ascii_lower(p->namespace_);
	if (rules & T_LOWER_NAME)
		ascii_lower(p->name);
	if (rules & T_PYPI_NAME) {
		char *r = p->name, *w = p->name;
		while (*r) {
			if (*r == '-' || *r == '_' || *r == '.') {
				while (*r == '-' || *r == '_' || *r == '.')
					r++;
				*w++ = '-';
			} else {
				*w++ = *r++;
			}
		}
		*w = '\0';
	}
	if ((rules & T_LOWER_VERSION) && p->version)
		ascii_lower(p->version);

	/* qualifiers: drop empty values, lowercase and check keys, sort, no
	 * duplicates */
	for (i = j = 0; i < p->nqualifiers; i++) {
		if (!p->qvals[i] || !*p->qvals[i]) {
			free(p->qkeys[i]);
			free(p->qvals[i]);
		} else {
			p->qkeys[j] = p->qkeys[i];
			p->qvals[j++] = p->qvals[i];
		}
	}
	p->nqualifiers = j;
	for (i = 0; i < p->nqualifiers; i++) {
		const char *why;
		ascii_lower(p->qkeys[i]);
		if ((why = check_key(p->qkeys[i]))) {
			char q[100];
			quote_str(q, sizeof(q), p->qkeys[i], 60);
			return perr(c, CUSTOMS_EFORMAT, "qualifier key \"%s\" %s", q, why);
		}
		if ((err = check_utf8(c, p->qvals[i], "qualifier value")) < 0)
			return err;
	}
	if (p->nqualifiers > 1) {
		struct qpair *qp = malloc(p->nqualifiers * sizeof(*qp));
		if (!qp)
			return nomem();
		for (i = 0; i < p->nqualifiers; i++)
			qp[i] = (struct qpair){p->qkeys[i], p->qvals[i]};
		qsort(qp, p->nqualifiers, sizeof(*qp), qpair_cmp);
		for (i = 0; i < p->nqualifiers; i++) {
			p->qkeys[i] = qp[i].key;
			p->qvals[i] = qp[i].val;
		}
		free(qp);
		for (i = 1; i < p->nqualifiers; i++) {
			if (!strcmp(p->qkeys[i - 1], p->qkeys[i])) {
				char q[100];
				quote_str(q, sizeof(q), p->qkeys[i], 60);
				return perr(c, CUSTOMS_EFORMAT, "qualifier key \"%s\" appears more than once", q);
			}
		}
	}

	if ((rules & T_MLFLOW)) {
		const char *repo = customs_purl_qualifier(p, "repository_url");
		if (repo && contains_nocase(repo, "databricks"))
			ascii_lower(p->name);
	}
	if ((rules & T_NS_REQUIRED) && !p->namespace_)
		return perr(c, CUSTOMS_EFORMAT, "type \"%s\" requires a namespace", p->type);
	if ((rules & T_NS_PROHIBITED) && p->namespace_)
		return perr(c, CUSTOMS_EFORMAT, "type \"%s\" does not allow a namespace", p->type);
	if ((rules & T_UUID_REQUIRED) && !customs_purl_qualifier(p, "uuid"))
		return perr(c, CUSTOMS_EFORMAT, "type \"%s\" requires a \"uuid\" qualifier", p->type);
	if ((rules & T_CPAN) && strstr(p->name, "::"))
		return perr(c, CUSTOMS_EFORMAT, "a cpan name is a distribution name, not a module name with \"::\"");
	if (rules & T_CHROME) {
		const char *s = p->name;
		for (i = 0; s[i] >= 'a' && s[i] <= 'p'; i++)
			;
		if (i != 32 || s[i])
			return perr(c, CUSTOMS_EFORMAT, "a chrome-extension name is 32 letters a-p");
		if ((s = p->version)) {
			int parts = 0;
			for (;;) {
				if (!is_digit((unsigned char)*s))
					break;
				while (is_digit((unsigned char)*s))
					s++;
				parts++;
				if (*s != '.')
					break;
				s++;
			}
			if (*s || parts < 1 || parts > 4)
				return perr(c, CUSTOMS_EFORMAT, "a chrome-extension version is 1 to 4 dot-separated numbers");
		}
	}
	return 0;
}

/* ---- parse ---- */

void customs_purl_free(customs_purl *p)
{
	if (!p)
		return;
	free(p->type);
	free(p->namespace_);
	free(p->name);
	free(p->version);
	free(p->subpath);
	for (size_t i = 0; i < p->nqualifiers; i++) {
		free(p->qkeys[i]);
		free(p->qvals[i]);
	}
	free(p->qkeys);
	free(p->qvals);
	free(p);
}

/* Decode segs[from..to) and join them with '/'. */
static int join_decoded(const struct pctx *c, char **out, char **segs, size_t from, size_t to, const char *what)
{
	customs_buf b = CUSTOMS_BUF_INIT(CUSTOMS_PURL_MAX);
	int err = 0;

	*out = NULL;
	for (size_t i = from; i < to; i++) {
		char *d;
		if ((err = pct_decode(c, &d, segs[i], strlen(segs[i]), what, 1)) < 0)
			goto done;
		if ((i > from && (err = customs_buf_put(&b, "/", 1)) < 0) || (err = customs_buf_puts(&b, d)) < 0) {
			free(d);
			goto done;
		}
		free(d);
	}
	if (b.len && !(*out = customs_buf_detach(&b)))
		err = nomem();
done:
	customs_buf_release(&b);
	return err;
}

/* Split the path after the type ("ns/ns/name", trailing '/' and version
 * already gone) into namespace and name.  The name is the last segment and
 * may decode to a '/'; for git the namespace is the first segment (the host)
 * and the name every other one. */
static int parse_path(const struct pctx *c, customs_purl *p, char *path)
{
	char **segs;
	size_t n = 1, nseg = 0;
	int err;

	for (const char *s = path; *s; s++)
		n += *s == '/';
	if (!(segs = malloc(n * sizeof(*segs))))
		return nomem();
	for (char *s = path, *next; s; s = next) {
		if ((next = strchr(s, '/')))
			*next++ = '\0';
		if (*s)
			segs[nseg++] = s;
	}
	if (nseg == 0)
		err = 0; /* normalize() reports the missing name */
	else if (type_rules(p->type) & T_NS_HOST)
		err = nseg == 1 ? join_decoded(c, &p->name, segs, 0, 1, "name")
		                : (err = join_decoded(c, &p->namespace_, segs, 0, 1, "namespace")) < 0
		                      ? err
		                      : join_decoded(c, &p->name, segs, 1, nseg, "name");
	else if ((err = join_decoded(c, &p->namespace_, segs, 0, nseg - 1, "namespace")) >= 0)
		err = pct_decode(c, &p->name, segs[nseg - 1], strlen(segs[nseg - 1]), "name", 0);
	free(segs);
	return err;
}

int customs_purl_parse_ext(customs_purl **out, const char *s, unsigned flags)
{
	customs_purl *p = NULL;
	char *buf = NULL, *cut, *rest, *path, *seg;
	struct pctx c;
	size_t n, tlen;
	int err;

	if (!out)
		return customs__error(CUSTOMS_EINVAL, "customs_purl_parse: NULL out");
	*out = NULL;
	if (!s)
		return customs__error(CUSTOMS_EINVAL, "customs_purl_parse: NULL purl");
	n = strnlen(s, (size_t)CUSTOMS_PURL_MAX + 1);
	c = (struct pctx){.input = s, .n = n};
	if (n > CUSTOMS_PURL_MAX)
		return perr(&c, CUSTOMS_ELIMIT, "longer than the limit of %d bytes (CUSTOMS_PURL_MAX)", CUSTOMS_PURL_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f)
			return perr(&c, CUSTOMS_EFORMAT, "control character 0x%02x at offset %zu", ch, i);
		if (!(flags & CUSTOMS_PURL_LENIENT) && (ch == ' ' || ch >= 0x80))
			return perr(&c, CUSTOMS_EFORMAT, "unencoded %s at offset %zu (must be percent-encoded)",
			            ch == ' ' ? "space" : "non-ASCII byte", i);
	}
	if (!(buf = customs_strndup(s, n)) || !(p = calloc(1, sizeof(*p)))) {
		err = nomem();
		goto done;
	}

	/* Right to left, as the spec's "how to parse": #subpath, ?qualifiers,
	 * scheme:, type/, @version, then namespace/name. */
	if ((cut = strrchr(buf, '#'))) {
		*cut = '\0';
		if ((err = parse_segments(&c, &p->subpath, cut + 1, "subpath", 1)) < 0)
			goto done;
	}
	if ((cut = strrchr(buf, '?'))) {
		*cut = '\0';
		if ((err = parse_qualifiers(&c, p, cut + 1, flags)) < 0)
			goto done;
	}
	if (!(cut = strchr(buf, ':'))) {
		err = perr(&c, CUSTOMS_EFORMAT, "the \"pkg:\" scheme is missing");
		goto done;
	}
	if (cut - buf != 3 || (buf[0] | 0x20) != 'p' || (buf[1] | 0x20) != 'k' || (buf[2] | 0x20) != 'g') {
		err = perr(&c, CUSTOMS_EFORMAT, "the scheme is not \"pkg\"");
		goto done;
	}
	for (rest = cut + 1; *rest == '/'; rest++)
		; /* "pkg://type" is tolerated (clause 5.6.1) */
	cut = strchr(rest, '/');
	tlen = cut ? (size_t)(cut - rest) : strlen(rest);
	if ((err = check_type(&c, rest, tlen)) < 0)
		goto done;
	if (!(p->type = customs_strndup(rest, tlen))) {
		err = nomem();
		goto done;
	}
	ascii_lower(p->type);
	if (!cut) {
		err = perr(&c, CUSTOMS_EFORMAT, "the name is missing");
		goto done;
	}
	path = cut + 1;
	strip_slashes(path);
	/* The version follows the last '@' of the last segment: an '@' further
	 * left is an unencoded npm scope ("@babel/core"), one in the name an
	 * unencoded part of it ("node@20@20.10.0"). */
	seg = strrchr(path, '/');
	seg = seg ? seg + 1 : path;
	if ((cut = strrchr(seg, '@'))) {
		if (cut == seg) {
			/* "ns/@1.0": the '/' separates an empty name */
			err = perr(&c, CUSTOMS_EFORMAT, "the name is missing");
			goto done;
		}
		*cut = '\0';
		if ((err = pct_decode(&c, &p->version, cut + 1, strlen(cut + 1), "version", 0)) < 0)
			goto done;
	}
	if ((err = parse_path(&c, p, path)) < 0 || (err = normalize(&c, p)) < 0)
		goto done;
	*out = p;
	p = NULL;
done:
	customs_purl_free(p);
	free(buf);
	return err;
}

int customs_purl_parse(customs_purl **out, const char *s)
{
	return customs_purl_parse_ext(out, s, 0);
}

const char *customs_purl_qualifier(const customs_purl *p, const char *key)
{
	if (!p || !key)
		return NULL;
	for (size_t i = 0; i < p->nqualifiers; i++)
		if (!strcmp(p->qkeys[i], key))
			return p->qvals[i];
	return NULL;
}

/* ---- build ---- */

/* Append s percent-encoded (clause 5.4), keeping '/' when it separates. */
static int put_encoded(customs_buf *b, const char *s, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t need = 0;
	const unsigned char *u;
	char *w;
	int err;

	for (u = (const unsigned char *)s; *u; u++)
		need += is_unreserved(*u) || (keep_slash && *u == '/') ? 1 : 3;
	if ((err = customs_buf_grow(b, need)) < 0)
		return err;
	w = b->ptr + b->len;
	for (u = (const unsigned char *)s; *u; u++) {
		if (is_unreserved(*u) || (keep_slash && *u == '/')) {
			*w++ = (char)*u;
		} else {
			*w++ = '%';
			*w++ = hex[*u >> 4];
			*w++ = hex[*u & 15];
		}
	}
	b->len += need;
	b->ptr[b->len] = '\0';
	return 0;
}

static int dup_nonempty(char **out, const char *s)
{
	*out = NULL;
	if (s && *s && !(*out = strdup(s)))
		return nomem();
	return 0;
}

int customs_purl_build(char **out, const customs_purl *in)
{
	customs_purl *p = NULL;
	customs_buf b = CUSTOMS_BUF_INIT(CUSTOMS_PURL_MAX);
	struct pctx c;
	size_t cap = 0;
	int err;

	if (!out)
		return customs__error(CUSTOMS_EINVAL, "customs_purl_build: NULL out");
	*out = NULL;
	if (!in)
		return customs__error(CUSTOMS_EINVAL, "customs_purl_build: NULL purl");
	c = (struct pctx){.comp = in};

	/* a normalised copy: same cleanup as parse, then the same normaliser */
	if (!(p = calloc(1, sizeof(*p)))) {
		err = nomem();
		goto done;
	}
	if ((err = dup_nonempty(&p->type, in->type)) < 0 || (err = dup_nonempty(&p->name, in->name)) < 0 ||
	    (err = dup_nonempty(&p->version, in->version)) < 0 ||
	    (err = clean_segments(&p->namespace_, in->namespace_, 0)) < 0 ||
	    (err = clean_segments(&p->subpath, in->subpath, 1)) < 0)
		goto done;
	for (size_t i = 0; i < in->nqualifiers; i++) {
		char *k = NULL, *v = NULL;
		if (!in->qkeys || !in->qkeys[i]) {
			err = perr(&c, CUSTOMS_EFORMAT, "qualifier %zu has no key", i);
			goto done;
		}
		if (!in->qvals || !in->qvals[i] || !*in->qvals[i])
			continue; /* an empty value is no qualifier */
		if (!(k = strdup(in->qkeys[i])) || !(v = strdup(in->qvals[i]))) {
			free(k);
			err = nomem();
			goto done;
		}
		if ((err = add_qualifier(p, &cap, k, v)) < 0) {
			free(k);
			free(v);
			goto done;
		}
	}
	if ((err = normalize(&c, p)) < 0)
		goto done;

	if ((err = customs_buf_puts(&b, "pkg:")) < 0 || (err = customs_buf_puts(&b, p->type)) < 0 ||
	    (err = customs_buf_puts(&b, "/")) < 0)
		goto done;
	if (p->namespace_ && ((err = put_encoded(&b, p->namespace_, 1)) < 0 || (err = customs_buf_puts(&b, "/")) < 0))
		goto done;
	if ((err = put_encoded(&b, p->name, !!(type_rules(p->type) & T_NS_HOST))) < 0)
		goto done;
	if (p->version && ((err = customs_buf_puts(&b, "@")) < 0 || (err = put_encoded(&b, p->version, 0)) < 0))
		goto done;
	for (size_t i = 0; i < p->nqualifiers; i++) {
		if ((err = customs_buf_puts(&b, i ? "&" : "?")) < 0 || (err = customs_buf_puts(&b, p->qkeys[i])) < 0 ||
		    (err = customs_buf_puts(&b, "=")) < 0 || (err = put_encoded(&b, p->qvals[i], 0)) < 0)
			goto done;
	}
	if (p->subpath && ((err = customs_buf_puts(&b, "#")) < 0 || (err = put_encoded(&b, p->subpath, 1)) < 0))
		goto done;
	if (!(*out = customs_buf_detach(&b)))
		err = nomem();
done:
	if (err == CUSTOMS_ELIMIT)
		err = perr(&c, CUSTOMS_ELIMIT, "canonical purl longer than the limit of %d bytes (CUSTOMS_PURL_MAX)",
		           CUSTOMS_PURL_MAX);
	customs_buf_release(&b);
	customs_purl_free(p);
	return err;
}

char *customs_purl_make(const char *type, const char *ns, const char *name, const char *version,
                        const char *const *qualifiers, const char *subpath)
{
	customs_purl p = {0};
	size_t n = 0;
	char *out = NULL;

	if (qualifiers)
		while (qualifiers[2 * n])
			n++;
	if (n && (!(p.qkeys = malloc(n * sizeof(char *))) || !(p.qvals = malloc(n * sizeof(char *))))) {
		nomem();
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		/* build only reads: the casts drop a const it never needed */
		p.qkeys[i] = (char *)qualifiers[2 * i];
		p.qvals[i] = (char *)qualifiers[2 * i + 1];
	}
	p.nqualifiers = n;
	p.type = (char *)type;
	p.namespace_ = (char *)ns;
	p.name = (char *)name;
	p.version = (char *)version;
	p.subpath = (char *)subpath;
	if (customs_purl_build(&out, &p) < 0)
		out = NULL;
done:
	free(p.qkeys);
	free(p.qvals);
	return out;
}
