/* match_range.c - OSV evaluation (ossf/osv-schema docs/schema.md
 * "Evaluation"; FORMATS-packages.md §9): whether one version is affected by
 * one range or one affected entry, under the ecosystem's version scheme,
 * and a range list as text. */
#include <stdlib.h>
#include <string.h>

#include "customs/match.h"
#include "customs/version.h"
#include "util/util.h"

struct sev {
	customs_vuln_event_kind kind;
	const char *v;
	int zero; /* introduced "0": before every version */
	int inf;  /* limit "*": after every version */
};

/* a before b?  -1/0/1, err set when the scheme cannot compare them */
static int ev_cmp(const customs_version_scheme *s, const struct sev *a, const struct sev *b, int *err)
{
	int c;
	if (a->zero || b->zero)
		return b->zero - a->zero;
	if (a->inf || b->inf)
		return a->inf - b->inf;
	if (customs_version_compare(s, a->v, b->v, &c) < 0) {
		*err = 1;
		return 0;
	}
	if (c)
		return c;
	/* equal versions: introduced before last_affected before fixed before limit */
	static const int rank[] = {0, 2, 1, 3};
	return rank[a->kind] - rank[b->kind];
}

/* Insert x into ev[0..n), sorted by scheme s (insertion sort: feeds list
 * events sorted almost always, and there are few); without s, or when s
 * cannot compare x with a neighbour (*bad = 1), where the walk stopped. */
static void insert_event(const customs_version_scheme *s, struct sev *ev, size_t n, struct sev x, int *bad)
{
	size_t j = n;

	while (s && j > 0) {
		int c = ev_cmp(s, &ev[j - 1], &x, bad);
		if (*bad || c <= 0)
			break;
		j--;
	}
	memmove(ev + j + 1, ev + j, (n - j) * sizeof(*ev));
	ev[j] = x;
}

/* compare(version, event) with "0" and "*" handled; <0 on error */
static int vcmp(const customs_version_scheme *s, const char *v, const struct sev *e, int *out)
{
	if (e->zero) {
		*out = 1;
		return 0;
	}
	if (e->inf) {
		*out = -1;
		return 0;
	}
	return customs_version_compare(s, v, e->v, out);
}

int customs_match_range(int *out, const customs_version_scheme *s, const char *version, const customs_vuln_range *r,
			customs_match_eval *e)
{
	struct sev stack[16], *ev = stack;
	size_t n = 0, nlimit = 0;
	int err = 0, c, vulnerable = 0, below_limit = 0;
	customs_match_eval local;

	if (!e)
		e = &local;
	memset(e, 0, sizeof(*e));
	e->range = -1;
	e->scheme = s ? s->name : NULL;
	if (!out || !s || !version || !r)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	*out = 0;
	if (customs_version_valid(s, version) < 0)
		return CUSTOMS_EFORMAT;
	if (r->nevents > sizeof(stack) / sizeof(stack[0]) && !(ev = malloc(r->nevents * sizeof(*ev))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");

	/* the events the scheme can read, in sorted order */
	for (size_t i = 0; i < r->nevents; i++) {
		struct sev x = {r->events[i].kind, r->events[i].version, 0, 0};
		if (!x.v || (unsigned)x.kind > CUSTOMS_EVENT_LIMIT) {
			e->errors++;
			continue;
		}
		x.zero = x.kind == CUSTOMS_EVENT_INTRODUCED && !strcmp(x.v, "0");
		x.inf = x.kind == CUSTOMS_EVENT_LIMIT && !strcmp(x.v, "*");
		if (!x.zero && !x.inf && customs_version_valid(s, x.v) < 0) {
			e->errors++;
			continue;
		}
		int bad = 0;
		insert_event(s, ev, n++, x, &bad);
		e->errors += bad;
	}

	/* limits: the version must be below one of them */
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind != CUSTOMS_EVENT_LIMIT)
			continue;
		nlimit++;
		if (vcmp(s, version, &ev[i], &c) < 0) {
			e->errors++;
			continue;
		}
		if (c < 0)
			below_limit = 1;
		else if (!e->bound) {
			e->bound = ev[i].v;
			e->bound_kind = CUSTOMS_EVENT_LIMIT;
			e->cmp = c;
		}
	}
	if (nlimit && !below_limit)
		goto done;
	e->bound = NULL;
	e->cmp = 0;

	size_t intro = (size_t)-1, off = (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].kind == CUSTOMS_EVENT_LIMIT)
			continue;
		if (vcmp(s, version, &ev[i], &c) < 0) {
			e->errors++;
			continue;
		}
		if (ev[i].kind == CUSTOMS_EVENT_INTRODUCED) {
			if (c >= 0)
				vulnerable = 1, intro = i;
		} else if (ev[i].kind == CUSTOMS_EVENT_FIXED) {
			if (c >= 0)
				vulnerable = 0, off = i;
		} else if (ev[i].kind == CUSTOMS_EVENT_LAST_AFFECTED) {
			if (c > 0)
				vulnerable = 0, off = i;
		}
		if (c < 0)
			break; /* sorted: nothing later can apply */
	}
	if (vulnerable) {
		/* what closes the interval the version is in, if anything */
		e->bound = ev[intro].zero ? "0" : ev[intro].v;
		e->bound_kind = CUSTOMS_EVENT_INTRODUCED;
		e->cmp = ev[intro].zero ? 1 : 0;
		if (!ev[intro].zero)
			(void)vcmp(s, version, &ev[intro], &e->cmp);
		for (size_t i = intro + 1; i < n; i++)
			if (ev[i].kind == CUSTOMS_EVENT_FIXED || ev[i].kind == CUSTOMS_EVENT_LAST_AFFECTED ||
			    (ev[i].kind == CUSTOMS_EVENT_LIMIT && !ev[i].inf)) {
				e->bound = ev[i].v;
				e->bound_kind = ev[i].kind;
				if (vcmp(s, version, &ev[i], &e->cmp) < 0)
					e->cmp = -1;
				break;
			} else if (ev[i].kind == CUSTOMS_EVENT_INTRODUCED) {
				break;
			}
	} else if (off != (size_t)-1) {
		e->bound = ev[off].v;
		e->bound_kind = ev[off].kind;
		(void)vcmp(s, version, &ev[off], &e->cmp);
	} else {
		for (size_t i = 0; i < n; i++)
			if (ev[i].kind == CUSTOMS_EVENT_INTRODUCED) {
				e->bound = ev[i].zero ? "0" : ev[i].v;
				e->bound_kind = CUSTOMS_EVENT_INTRODUCED;
				e->cmp = -1;
				break;
			}
	}
	*out = vulnerable;
done:
	e->affected = *out;
	if (ev != stack)
		free(ev);
	return err;
}

static const char *range_scheme_name(const char *type, const char *scheme)
{
	if (type && !strcmp(type, "SEMVER") && strcmp(scheme, "go") && strcmp(scheme, "cargo"))
		return "semver";
	return scheme;
}

/* distro schemes list exact version strings; others may spell one version
 * several ways ("1.0" and "1.0.0" under PEP 440) */
static int exact_only(const char *scheme)
{
	return !strcmp(scheme, "dpkg") || !strcmp(scheme, "rpm") || !strcmp(scheme, "apk");
}

int customs_match_entry(customs_match_eval *out, const customs_vuln_affected *a, const char *version)
{
	const customs_version_scheme *s;
	customs_match_eval vers, miss, cur;
	int err, aff, have_vers = 0, have_miss = 0, errors = 0;

	if (!out || !a || !version)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	memset(out, 0, sizeof(*out));
	out->range = -1;
	if (!a->scheme || !(s = customs_version_scheme_find(a->scheme)))
		return customs__error(CUSTOMS_EUNSUPPORTED, "%s: no version scheme \"%s\"", a->vuln_id,
				      a->scheme ? a->scheme : "");
	out->scheme = s->name;
	if (customs_version_valid(s, version) < 0)
		return customs__error(CUSTOMS_EFORMAT, "%s version \"%.64s\": %s", s->name, version, customs_error_last());

	memset(&vers, 0, sizeof(vers));
	for (size_t i = 0; i < a->nversions && !have_vers; i++) {
		int c = 1;
		if (!strcmp(a->versions[i], version) ||
		    (!exact_only(s->name) && customs_version_compare(s, version, a->versions[i], &c) == 0 && c == 0)) {
			have_vers = 1;
			vers.affected = 1;
			vers.by_versions = 1;
			vers.range = -1;
			vers.bound = a->versions[i];
			vers.bound_kind = CUSTOMS_EVENT_INTRODUCED;
			vers.scheme = s->name;
		}
	}
	/* an affecting range decides (it knows the fix); else the versions
	 * list; else the first range that placed the version somewhere */
	for (size_t i = 0; i < a->nranges; i++) {
		const customs_version_scheme *rs = customs_version_scheme_find(range_scheme_name(a->ranges[i].type, s->name));
		if (!rs)
			rs = s;
		memset(&cur, 0, sizeof(cur));
		if ((err = customs_match_range(&aff, rs, version, &a->ranges[i], &cur)) < 0) {
			if (err != CUSTOMS_EFORMAT)
				return err;
			errors++; /* the version is not one this range's scheme reads */
			continue;
		}
		errors += cur.errors;
		cur.range = (int)i;
		cur.scheme = rs->name;
		if (aff) {
			*out = cur;
			out->errors = errors;
			return 0;
		}
		if (!have_miss && cur.bound) {
			miss = cur;
			have_miss = 1;
		}
	}
	if (have_vers)
		*out = vers;
	else if (have_miss)
		*out = miss;
	out->errors = errors;
	if (!out->scheme)
		out->scheme = s->name;
	return 0;
}

static int put_interval(customs_buf *b, const struct sev *lo, const struct sev *hi)
{
	int err = 0;
	if (lo)
		err = customs_buf_printf(b, ">=%s", lo->zero ? "0" : lo->v);
	if (!err && hi)
		err = customs_buf_printf(b, "%s%s%s", lo ? " " : "", hi->kind == CUSTOMS_EVENT_LAST_AFFECTED ? "<=" : "<",
					 hi->v);
	return err;
}

char *customs_match_range_text(const customs_vuln_affected *a)
{
	customs_buf b = CUSTOMS_BUF_INIT(1u << 20);
	const customs_version_scheme *s = a && a->scheme ? customs_version_scheme_find(a->scheme) : NULL;
	int err = 0;

	if (!a)
		return NULL;
	for (size_t i = 0; !err && i < a->nranges; i++) {
		const customs_vuln_range *r = &a->ranges[i];
		const customs_version_scheme *rs = s ? customs_version_scheme_find(range_scheme_name(r->type, s->name)) : NULL;
		struct sev *ev = calloc(r->nevents + 1, sizeof(*ev));
		size_t n = 0;
		if (!ev)
			break;
		for (size_t k = 0; k < r->nevents; k++) {
			struct sev x = {r->events[k].kind, r->events[k].version ? r->events[k].version : "", 0, 0};
			x.zero = x.kind == CUSTOMS_EVENT_INTRODUCED && !strcmp(x.v, "0");
			x.inf = x.kind == CUSTOMS_EVENT_LIMIT && !strcmp(x.v, "*");
			int bad = 0;
			insert_event(rs, ev, n++, x, &bad);
		}
		err = customs_buf_printf(&b, "%s%s ", i ? "; " : "", r->type && *r->type ? r->type : "RANGE");
		/* intervals: [introduced, fixed) or [introduced, last_affected] */
		const struct sev *lo = NULL;
		int nint = 0;
		for (size_t k = 0; !err && k < n; k++) {
			if (ev[k].kind == CUSTOMS_EVENT_INTRODUCED) {
				if (!lo)
					lo = &ev[k];
			} else if (ev[k].kind == CUSTOMS_EVENT_FIXED || ev[k].kind == CUSTOMS_EVENT_LAST_AFFECTED) {
				if (nint++)
					err = customs_buf_puts(&b, " || ");
				if (!err)
					err = put_interval(&b, lo, &ev[k]);
				lo = NULL;
			}
		}
		if (!err && lo) {
			if (nint++)
				err = customs_buf_puts(&b, " || ");
			if (!err)
				err = put_interval(&b, lo, NULL);
		}
		for (size_t k = 0; !err && k < n; k++)
			if (ev[k].kind == CUSTOMS_EVENT_LIMIT)
				err = customs_buf_printf(&b, " (limit %s)", ev[k].v);
		free(ev);
	}
	if (!err && a->nversions)
		err = customs_buf_printf(&b, "%sversions: %zu listed", a->nranges ? "; " : "", a->nversions);
	if (!err && !b.len)
		err = customs_buf_puts(&b, "(no ranges)");
	if (err) {
		customs_buf_release(&b);
		return NULL;
	}
	return customs_buf_detach(&b);
}
