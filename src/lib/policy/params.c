/* params.c - trigger parameters: the string a bundle gives, checked and
 * parsed by the parameter's type as Anchore Engine's validators do
 * (policy/params.py: BooleanStringValidator, IntegerValidator,
 * FloatValidator, CommaDelimited*Validator, EnumValidator, BYTES_REGEX),
 * the values triggers read, the comparisons several gates share, and the
 * lists of what a bundle asks the layer pass for. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_int.h"

#define MAX_PROBLEMS 1000

const char *const policy__comparisons[] = {"=", "!=", "<", ">", "<=", ">=", NULL};
const char *const policy__severities[] = {"unknown", "negligible", "low", "medium", "high", "critical", NULL};
const char *const policy__checks[] = {"=", "!=", "exists", "not_exists", "like", "not_like", "in", "not_in", NULL};
const char *const policy__list_types[] = {"whitelist", "blacklist", "allowlist", "denylist", NULL};

const char *customs_policy_action_name(customs_policy_action a)
{
	return a == CUSTOMS_POLICY_STOP ? "STOP" : a == CUSTOMS_POLICY_WARN ? "WARN" : "GO";
}

const char *customs_policy_param_type_name(customs_policy_param_type t)
{
	static const char *const names[] = {"string",       "enum",      "boolean", "integer", "number", "list",
					    "integer list", "enum list", "regex",   "size",    "mode"};
	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

int policy__problem(pproblems *p, const char *path, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (p->n >= MAX_PROBLEMS) {
		p->more++;
		return 0;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (CUSTOMS_ARRAY_GROW(p->v, p->n, p->cap) < 0)
		return CUSTOMS_ENOMEM;
	char *pa = customs_utf8_strndup(path, strlen(path)), *m = customs_utf8_strndup(msg, strlen(msg));
	if (!pa || !m) {
		free(pa), free(m);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	p->v[p->n].path = pa;
	p->v[p->n].message = m;
	p->n++;
	return 0;
}

void customs_policy_problems_free(customs_policy_problems *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free((char *)p->v[i].path), free((char *)p->v[i].message);
	free((void *)p->v);
	free(p);
}

/* ---- parsing one value ---- */

static int enum_index(const char *const *values, const char *s, size_t n)
{
	for (size_t i = 0; values && values[i]; i++)
		if (strlen(values[i]) == n && !strncasecmp(values[i], s, n))
			return (int)i;
	return -1;
}

static void enum_list(char *buf, size_t n, const char *const *values)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; values && values[i] && off < n; i++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s", i ? ", " : "", values[i]);
}

static int is_int(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Split a comma list into trimmed items (Anchore's delim_parser). */
static int split(pvalue *v, const char *raw)
{
	const char *p = raw;
	size_t cap = 0;
	for (;;) {
		const char *c = strchr(p, ',');
		const char *e = c ? c : p + strlen(p);
		while (p < e && isspace((unsigned char)*p))
			p++;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		if (CUSTOMS_ARRAY_GROW(v->list, v->nlist, cap) < 0)
			return CUSTOMS_ENOMEM;
		if (!(v->list[v->nlist] = customs_strndup(p, (size_t)(e - p))))
			return customs__error(CUSTOMS_ENOMEM, "out of memory");
		v->nlist++;
		if (!c)
			return 0;
		p = c + 1;
	}
}

static int parse_list(pvalue *v, const customs_policy_param *def, const char *raw, char *why, size_t nwhy)
{
	int err = split(v, raw);
	if (err < 0)
		return err;
	for (size_t i = 0; i < v->nlist; i++) {
		const char *it = v->list[i];
		if (!*it) {
			snprintf(why, nwhy, "\"%.200s\": an empty item in a comma-separated list", raw);
			return 0;
		}
		if (def->type == CUSTOMS_POLICY_PARAM_INT_LIST && !is_int(it, strlen(it))) {
			snprintf(why, nwhy,
				 "\"%.200s\": \"%.100s\" is not an integer (a comma-separated list of integers)", raw,
				 it);
			return 0;
		}
		if (def->type == CUSTOMS_POLICY_PARAM_ENUM_LIST && enum_index(def->values, it, strlen(it)) < 0) {
			char vals[512];
			enum_list(vals, sizeof(vals), def->values);
			snprintf(why, nwhy, "\"%.100s\" is not one of %s", it, vals);
			return 0;
		}
	}
	return 1;
}

/* "1073741824", "10kb", "2GB" (Anchore's BYTES_REGEX: powers of 1024) */
static int parse_size(double *out, const char *s)
{
	size_t n = strspn(s, "0123456789");
	double mult = 1;
	if (!n)
		return 0;
	const char *u = s + n;
	if (!strcasecmp(u, "kb"))
		mult = 1024.0;
	else if (!strcasecmp(u, "mb"))
		mult = 1024.0 * 1024;
	else if (!strcasecmp(u, "gb"))
		mult = 1024.0 * 1024 * 1024;
	else if (!strcasecmp(u, "tb"))
		mult = 1024.0 * 1024 * 1024 * 1024;
	else if (*u)
		return 0;
	*out = strtod(s, NULL) * mult;
	return 1;
}

static int parse_scalar(pvalue *v, const customs_policy_param *def, const char *raw, char *why, size_t nwhy)
{
	char *end;
	size_t n = strlen(raw);
	switch (def->type) {
	case CUSTOMS_POLICY_PARAM_ENUM: {
		if (enum_index(def->values, raw, n) < 0) {
			char vals[512];
			enum_list(vals, sizeof(vals), def->values);
			snprintf(why, nwhy, "\"%.200s\" is not one of %s", raw, vals);
			return 0;
		}
		return 1;
	}
	case CUSTOMS_POLICY_PARAM_BOOL:
		if (strcasecmp(raw, "true") && strcasecmp(raw, "false")) {
			snprintf(why, nwhy, "\"%.200s\" is not true or false", raw);
			return 0;
		}
		v->i = !strcasecmp(raw, "true");
		return 1;
	case CUSTOMS_POLICY_PARAM_INT: {
		const char *p = raw, *e = raw + n;
		while (p < e && isspace((unsigned char)*p))
			p++;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		errno = 0;
		v->i = is_int(p, (size_t)(e - p)) ? strtoll(p, NULL, 10) : -1;
		if (v->i < 0 || errno) {
			snprintf(why, nwhy, "\"%.200s\" is not a non-negative integer", raw);
			return 0;
		}
		return 1;
	}
	case CUSTOMS_POLICY_PARAM_FLOAT:
		errno = 0;
		v->f = strtod(raw, &end);
		while (end && isspace((unsigned char)*end))
			end++;
		if (!n || errno || *end || v->f != v->f) {
			snprintf(why, nwhy, "\"%.200s\" is not a number", raw);
			return 0;
		}
		return 1;
	case CUSTOMS_POLICY_PARAM_SIZE:
		if (!parse_size(&v->f, raw)) {
			snprintf(why, nwhy, "\"%.200s\" is not a size (bytes, or a number with kb, mb, gb or tb)", raw);
			return 0;
		}
		return 1;
	case CUSTOMS_POLICY_PARAM_MODE:
		v->i = strtoll(raw, &end, 8);
		if (!n || *end || strspn(raw, "01234567") != n || v->i > 07777) {
			snprintf(why, nwhy, "\"%.200s\" is not an octal file mode like 0644", raw);
			return 0;
		}
		return 1;
	case CUSTOMS_POLICY_PARAM_REGEX: {
		int err = customs_regex_compile(&v->re, raw, CUSTOMS_REGEX_ANCHORED);
		if (err == CUSTOMS_ENOMEM)
			return err;
		if (err < 0) {
			/* the detail names the pattern already */
			snprintf(why, nwhy, "%s", customs_error_last());
			return 0;
		}
		return 1;
	}
	default: return 1;
	}
}

int policy__param_parse(pvalue *v, const customs_policy_param *def, const char *raw, char *why, size_t nwhy)
{
	memset(v, 0, sizeof(*v));
	v->def = def;
	v->raw = raw;
	if (def->type == CUSTOMS_POLICY_PARAM_LIST || def->type == CUSTOMS_POLICY_PARAM_INT_LIST ||
	    def->type == CUSTOMS_POLICY_PARAM_ENUM_LIST)
		return parse_list(v, def, raw, why, nwhy);
	return parse_scalar(v, def, raw, why, nwhy);
}

void policy__param_release(pvalue *v)
{
	for (size_t i = 0; i < v->nlist; i++)
		free(v->list[i]);
	free(v->list);
	customs_regex_free(v->re);
	memset(v, 0, sizeof(*v));
}

const customs_policy_param *policy__param_def(const trigger_def *t, const char *name)
{
	for (const customs_policy_param *p = t->pub.params; p && p->name; p++) {
		if (!strcasecmp(p->name, name))
			return p;
		for (const char *const *a = p->aliases; a && *a; a++)
			if (!strcasecmp(*a, name))
				return p;
	}
	return NULL;
}

/* ---- what triggers read ---- */

const pvalue *policy__param(const prule *r, const char *name)
{
	for (size_t i = 0; i < r->nparams; i++)
		if (!strcmp(r->params[i].def->name, name))
			return &r->params[i];
	return NULL;
}

const char *policy__str(const prule *r, const char *name)
{
	const pvalue *v = policy__param(r, name);
	return v ? v->raw : NULL;
}

int policy__bool(const prule *r, const char *name, int dflt)
{
	const pvalue *v = policy__param(r, name);
	return v ? (int)v->i : dflt;
}

long long policy__int(const prule *r, const char *name, long long dflt)
{
	const pvalue *v = policy__param(r, name);
	return v ? v->i : dflt;
}

int policy__float(const prule *r, const char *name, double *out)
{
	const pvalue *v = policy__param(r, name);
	if (v)
		*out = v->f;
	return v != NULL;
}

int policy__in_list(const prule *r, const char *name, const char *s)
{
	const pvalue *v = policy__param(r, name);
	for (size_t i = 0; v && s && i < v->nlist; i++)
		if (!strcmp(v->list[i], s))
			return 1;
	return 0;
}

int policy__cmp(const char *op, double x, double y)
{
	if (!strcmp(op, "="))
		return x == y;
	if (!strcmp(op, "!="))
		return x != y;
	if (!strcmp(op, "<"))
		return x < y;
	if (!strcmp(op, ">"))
		return x > y;
	if (!strcmp(op, "<="))
		return x <= y;
	return x >= y;
}

int policy__re_match(const char *pattern, const char *s)
{
	customs_regex *re;
	int rc = customs_regex_compile(&re, pattern, CUSTOMS_REGEX_ANCHORED);
	if (rc < 0)
		return rc;
	rc = customs_regex_match(re, s, strlen(s), NULL, NULL);
	customs_regex_free(re);
	return rc;
}

/* y split at commas, items trimmed: is x one of them? */
static int in_csv(const char *x, const char *y)
{
	for (const char *p = y;;) {
		const char *c = strchr(p, ','), *e = c ? c : p + strlen(p);
		while (p < e && isspace((unsigned char)*p))
			p++;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		if (strlen(x) == (size_t)(e - p) && !strncmp(x, p, (size_t)(e - p)))
			return 1;
		if (!c)
			return 0;
		p = c + 1;
	}
}

int policy__check(const char *op, const char *x, const char *y)
{
	if (!strcmp(op, "exists"))
		return x && *x;
	if (!strcmp(op, "not_exists"))
		return !x || !*x;
	if (!x)
		x = "";
	if (!y)
		return 0; /* Anchore: an operation that needs a value and has none never fires */
	if (!strcmp(op, "="))
		return !strcmp(x, y);
	if (!strcmp(op, "!="))
		return strcmp(x, y) != 0;
	if (!strcmp(op, "in"))
		return in_csv(x, y);
	if (!strcmp(op, "not_in"))
		return !in_csv(x, y);
	int rc = policy__re_match(y, x);
	if (rc < 0)
		return rc;
	return !strcmp(op, "like") ? rc : !rc;
}

int policy__ask(char ***v, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return 0;
	char **nv = realloc(*v, (*n + 2) * sizeof(*nv));
	if (!nv)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	*v = nv;
	if (!(nv[*n] = customs_strdup(s)))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	nv[++*n] = NULL;
	return 0;
}
