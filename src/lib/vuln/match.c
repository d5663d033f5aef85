/* match.c - an analysis against the vulnerability database: which packages
 * are affected by what, decided by OSV evaluation (ossf/osv-schema
 * docs/schema.md "Evaluation"; FORMATS-packages.md §9), grouped by alias,
 * enriched with severity, EPSS and KEV, then suppressed by feed markers,
 * owning distro packages, VEX (OpenVEX v0.2.0 spec) and ignore rules. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <yaml.h>

#include "analyzers/analyzers.h"
#include "customs/match.h"
#include "customs/purl.h"
#include "customs/version.h"
#include "util/util.h"
#include "core/distro.h"

#define MAX_RULE_FILE (16u << 20) /* an ignore or VEX file */
#define MAX_YAML_DEPTH 32

/* ====================================================================== */
/* Names                                                                   */
/* ====================================================================== */

static const char *const severity_names[] = {"unknown", "negligible", "low", "medium", "high", "critical"};

const char *customs_severity_name(customs_severity s)
{
	return (unsigned)s < sizeof(severity_names) / sizeof(severity_names[0]) ? severity_names[s] : "unknown";
}

int customs_severity_parse(customs_severity *out, const char *name)
{
	static const struct {
		const char *name;
		customs_severity s;
	} extra[] = {
		{"moderate", CUSTOMS_SEVERITY_MEDIUM}, {"important", CUSTOMS_SEVERITY_HIGH},
		{"none", CUSTOMS_SEVERITY_NEGLIGIBLE},
	};
	if (!out || !name)
		return customs__error(CUSTOMS_EINVAL, "severity: NULL argument");
	for (size_t i = 0; i < sizeof(severity_names) / sizeof(severity_names[0]); i++)
		if (!strcasecmp(name, severity_names[i])) {
			*out = (customs_severity)i;
			return 0;
		}
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (!strcasecmp(name, extra[i].name)) {
			*out = extra[i].s;
			return 0;
		}
	return customs__error(CUSTOMS_EINVAL,
			      "unknown severity \"%.40s\" (negligible, low, medium, high, critical or unknown)", name);
}

customs_severity customs_severity_from_cvss(double score)
{
	if (score < 0)
		return CUSTOMS_SEVERITY_UNKNOWN;
	if (score >= 9.0)
		return CUSTOMS_SEVERITY_CRITICAL;
	if (score >= 7.0)
		return CUSTOMS_SEVERITY_HIGH;
	if (score >= 4.0)
		return CUSTOMS_SEVERITY_MEDIUM;
	if (score >= 0.1)
		return CUSTOMS_SEVERITY_LOW;
	return CUSTOMS_SEVERITY_NEGLIGIBLE;
}

const char *customs_match_kind_name(customs_match_kind k)
{
	static const char *const n[] = {"direct", "source-package", "owning-package", "cpe"};
	return (unsigned)k < 4 ? n[k] : "direct";
}

const char *customs_suppress_kind_name(customs_suppress_kind k)
{
	static const char *const n[] = {"none", "covered", "not-affected", "vex", "ignore", "status", "only-fixed"};
	return (unsigned)k < 7 ? n[k] : "none";
}

/* ====================================================================== */
/* OSV evaluation                                                          */
/* ====================================================================== */

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

	/* the events the scheme can read, in sorted order (insertion sort: feeds
	 * list them sorted almost always, and there are few) */
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
		size_t j = n;
		while (j > 0) {
			int bad = 0;
			c = ev_cmp(s, &ev[j - 1], &x, &bad);
			if (bad) {
				e->errors++;
				break;
			}
			if (c <= 0)
				break;
			j--;
		}
		memmove(ev + j + 1, ev + j, (n - j) * sizeof(*ev));
		ev[j] = x;
		n++;
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
			size_t j = n;
			while (rs && j > 0) {
				int bad = 0, c = ev_cmp(rs, &ev[j - 1], &x, &bad);
				if (bad || c <= 0)
					break;
				j--;
			}
			memmove(ev + j + 1, ev + j, (n - j) * sizeof(*ev));
			ev[j] = x;
			n++;
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

/* ====================================================================== */
/* Ignore rules and VEX                                                    */
/* ====================================================================== */

struct ignore_rule {
	char *id, *name, *version, *type, *location, *expires, *reason, *where;
	int fix_state; /* -1: any */
};

struct vex_stmt {
	char **vulns;
	size_t nvulns;
	json_t *stmt; /* the statement object (products, subcomponents) */
	char *status, *justification, *impact, *timestamp, *where;
	size_t order;
};

struct customs_match_rules {
	struct ignore_rule *ign;
	size_t nign, capign;
	struct vex_stmt *vex;
	size_t nvex, capvex;
};

int customs_match_rules_new(customs_match_rules **out)
{
	if (!out)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : customs__error(CUSTOMS_ENOMEM, "out of memory");
}

void customs_match_rules_free(customs_match_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nign; i++) {
		struct ignore_rule *x = &r->ign[i];
		free(x->id), free(x->name), free(x->version), free(x->type), free(x->location);
		free(x->expires), free(x->reason), free(x->where);
	}
	for (size_t i = 0; i < r->nvex; i++) {
		struct vex_stmt *x = &r->vex[i];
		for (size_t k = 0; k < x->nvulns; k++)
			free(x->vulns[k]);
		free(x->vulns);
		json_decref(x->stmt);
		free(x->status), free(x->justification), free(x->impact), free(x->timestamp), free(x->where);
	}
	free(r->ign);
	free(r->vex);
	free(r);
}

/* YAML (libyaml's document API) → JSON, scalars as strings. */
static json_t *yaml_to_json(yaml_document_t *doc, yaml_node_t *n, int depth)
{
	json_t *j = NULL;
	if (!n || depth > MAX_YAML_DEPTH)
		return NULL;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return json_stringn((const char *)n->data.scalar.value, n->data.scalar.length);
	case YAML_SEQUENCE_NODE:
		if (!(j = json_array()))
			return NULL;
		for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			json_t *v = yaml_to_json(doc, yaml_document_get_node(doc, *it), depth + 1);
			if (!v || json_array_append_new(j, v) < 0) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	case YAML_MAPPING_NODE:
		if (!(j = json_object()))
			return NULL;
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			json_t *v = yaml_to_json(doc, yaml_document_get_node(doc, p->value), depth + 1);
			char key[256];
			if (!k || k->type != YAML_SCALAR_NODE || !v) {
				json_decref(v);
				json_decref(j);
				return NULL;
			}
			snprintf(key, sizeof(key), "%.*s", (int)k->data.scalar.length, (const char *)k->data.scalar.value);
			json_object_set_new(j, key, v);
		}
		return j;
	default:
		return NULL;
	}
}

static int load_rule_file(json_t **out, const char *path, int allow_yaml)
{
	char *buf = NULL;
	size_t len = 0;
	json_error_t je;
	int err;

	*out = NULL;
	if ((err = customs_read_file(&buf, &len, path, MAX_RULE_FILE)) < 0)
		return err;
	const char *p = buf;
	while (p < buf + len && isspace((unsigned char)*p))
		p++;
	if (p < buf + len && (*p == '{' || *p == '[')) {
		*out = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
		if (!*out) {
			free(buf);
			return customs__error(CUSTOMS_EFORMAT, "%s: line %d column %d: %s", path, je.line, je.column, je.text);
		}
		free(buf);
		return 0;
	}
	if (!allow_yaml) {
		free(buf);
		return customs__error(CUSTOMS_EFORMAT, "%s: not a JSON document", path);
	}
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser)) {
		free(buf);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = customs__error(CUSTOMS_EFORMAT, "%s: line %zu column %zu: %s", path, parser.problem_mark.line + 1,
				     parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		free(buf);
		return err;
	}
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	*out = root ? yaml_to_json(&doc, root, 0) : json_array();
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(buf);
	if (!*out)
		return customs__error(CUSTOMS_EFORMAT, "%s: YAML with unsupported nodes (aliases, non-string keys) or nested too deep",
				      path);
	return 0;
}

static const char *jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int valid_date(const char *s)
{
	if (!s || strlen(s) < 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return 0;
	return s[10] == '\0' || s[10] == 'T' || s[10] == ' ';
}

int customs_match_rules_add_ignore(customs_match_rules *r, const char *path)
{
	json_t *root, *list;
	int err;

	if (!r || !path)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	if ((err = load_rule_file(&root, path, 1)) < 0)
		return err;
	list = json_is_object(root) ? json_object_get(root, "ignore") : root;
	if (json_is_object(root) && !list)
		list = json_object_get(root, "rules");
	if (!json_is_array(list)) {
		json_decref(root);
		return customs__error(CUSTOMS_EFORMAT, "%s: an ignore file is a list of rules, or an object with an \"ignore\" list",
				      path);
	}
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *o = json_array_get(list, i), *pk = json_object_get(o, "package");
		struct ignore_rule x = {0};
		const char *fs;
		x.fix_state = -1;
		if (!json_is_object(o)) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu is not an object", path, i + 1);
			goto bad;
		}
		const char *id = jstr(o, "id") ? jstr(o, "id") : jstr(o, "vulnerability");
		x.id = customs_strdup(id);
		if (json_is_string(pk))
			x.name = customs_strdup(json_string_value(pk));
		else if (json_is_object(pk)) {
			x.name = customs_strdup(jstr(pk, "name"));
			x.version = customs_strdup(jstr(pk, "version"));
			x.type = customs_strdup(jstr(pk, "type"));
			x.location = customs_strdup(jstr(pk, "location"));
		} else if (pk) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu: \"package\" is a name or an object", path, i + 1);
			goto bad;
		}
		fs = jstr(o, "fix-state") ? jstr(o, "fix-state") : jstr(o, "fix_state");
		if (fs) {
			static const char *const ok[] = {"fixed", "not-fixed", "wont-fix", "unknown", "not-affected"};
			for (int k = 0; k < 5; k++)
				if (!strcmp(fs, ok[k]))
					x.fix_state = (int)customs_fix_state_parse(fs);
			if (x.fix_state < 0) {
				err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu: fix-state \"%.32s\" is not fixed, not-fixed, wont-fix or unknown",
						     path, i + 1, fs);
				goto bad;
			}
		}
		if (jstr(o, "expires")) {
			if (!valid_date(jstr(o, "expires"))) {
				err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu: expires \"%.32s\" is not a date (YYYY-MM-DD)", path,
						     i + 1, jstr(o, "expires"));
				goto bad;
			}
			x.expires = customs_strndup(jstr(o, "expires"), 10);
		}
		x.reason = customs_strdup(jstr(o, "reason"));
		if (!x.id && !x.name && !x.version && !x.type && !x.location && x.fix_state < 0) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: rule %zu names nothing to match (id, package, fix-state)", path, i + 1);
			goto bad;
		}
		x.where = customs_asprintf("%s rule %zu", path, i + 1);
		if (r->nign == r->capign) {
			size_t cap = r->capign ? r->capign * 2 : 8;
			struct ignore_rule *n = realloc(r->ign, cap * sizeof(*n));
			if (!n) {
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				goto bad;
			}
			r->ign = n, r->capign = cap;
		}
		r->ign[r->nign++] = x;
		continue;
	bad:
		free(x.id), free(x.name), free(x.version), free(x.type), free(x.location), free(x.expires), free(x.reason),
			free(x.where);
		json_decref(root);
		return err;
	}
	json_decref(root);
	return 0;
}

int customs_match_rules_add_vex(customs_match_rules *r, const char *path)
{
	json_t *root, *stmts;
	int err;

	if (!r || !path)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	if ((err = load_rule_file(&root, path, 0)) < 0)
		return err;
	stmts = json_object_get(root, "statements");
	if (!json_is_array(stmts)) {
		json_decref(root);
		return customs__error(CUSTOMS_EFORMAT, "%s: not an OpenVEX document (no \"statements\" list)", path);
	}
	const char *doc_ts = jstr(root, "timestamp");
	for (size_t i = 0; i < json_array_size(stmts); i++) {
		json_t *s = json_array_get(stmts, i), *v = json_object_get(s, "vulnerability");
		struct vex_stmt x = {0};
		const char *st = jstr(s, "status");
		if (!json_is_object(s) || !st) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: statement %zu has no status", path, i + 1);
			goto bad;
		}
		if (strcmp(st, "not_affected") && strcmp(st, "affected") && strcmp(st, "fixed") &&
		    strcmp(st, "under_investigation")) {
			err = customs__error(CUSTOMS_EFORMAT,
					     "%s: statement %zu: status \"%.32s\" is not not_affected, affected, fixed or under_investigation",
					     path, i + 1, st);
			goto bad;
		}
		/* vulnerability: a string (v0.0.x) or {name, @id, aliases} */
		const char *names[64];
		size_t nn = 0;
		if (json_is_string(v))
			names[nn++] = json_string_value(v);
		else if (json_is_object(v)) {
			if (jstr(v, "name"))
				names[nn++] = jstr(v, "name");
			if (jstr(v, "@id"))
				names[nn++] = jstr(v, "@id");
			json_t *al = json_object_get(v, "aliases");
			for (size_t k = 0; k < json_array_size(al) && nn < 64; k++)
				if (json_is_string(json_array_get(al, k)))
					names[nn++] = json_string_value(json_array_get(al, k));
		}
		if (!nn) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: statement %zu names no vulnerability", path, i + 1);
			goto bad;
		}
		if (!json_is_array(json_object_get(s, "products")) || !json_array_size(json_object_get(s, "products"))) {
			err = customs__error(CUSTOMS_EFORMAT, "%s: statement %zu has no products", path, i + 1);
			goto bad;
		}
		if (!(x.vulns = calloc(nn, sizeof(*x.vulns)))) {
			err = customs__error(CUSTOMS_ENOMEM, "out of memory");
			goto bad;
		}
		for (size_t k = 0; k < nn; k++) {
			/* "@id" may be a URL ending in the id */
			const char *id = names[k], *slash = strrchr(id, '/');
			x.vulns[x.nvulns++] = customs_strdup(slash && slash[1] ? slash + 1 : id);
		}
		x.stmt = json_incref(s);
		x.status = customs_strdup(st);
		x.justification = customs_strdup(jstr(s, "justification"));
		x.impact = customs_strdup(jstr(s, "impact_statement") ? jstr(s, "impact_statement") : jstr(s, "action_statement"));
		x.timestamp = customs_strdup(jstr(s, "timestamp") ? jstr(s, "timestamp") : doc_ts);
		x.where = customs_asprintf("%s statement %zu", path, i + 1);
		x.order = r->nvex;
		if (r->nvex == r->capvex) {
			size_t cap = r->capvex ? r->capvex * 2 : 8;
			struct vex_stmt *n = realloc(r->vex, cap * sizeof(*n));
			if (!n) {
				err = customs__error(CUSTOMS_ENOMEM, "out of memory");
				goto bad;
			}
			r->vex = n, r->capvex = cap;
		}
		r->vex[r->nvex++] = x;
		continue;
	bad:
		for (size_t k = 0; k < x.nvulns; k++)
			free(x.vulns[k]);
		free(x.vulns);
		json_decref(x.stmt);
		free(x.status), free(x.justification), free(x.impact), free(x.timestamp), free(x.where);
		json_decref(root);
		return err;
	}
	json_decref(root);
	return 0;
}

/* ====================================================================== */
/* The matcher                                                             */
/* ====================================================================== */

/* What the database says about one record (id, source): its group and
 * scores, copied into the result's arena. */
struct vinfo {
	const char *id, *source;
	const char **aliases; /* SELF first, then ALIAS members */
	size_t naliases;
	const char **related; /* RELATED / UPSTREAM members */
	size_t nrelated;
	const char *summary, *label;
	double cvss3;
	const char *cvss3_vector;
	double cvss4;
	const char *cvss4_vector;
	customs_vuln_enrichment *enr; /* copies, strings in the arena */
	size_t nenr;
};

/* One evaluated entry of a lookup. */
struct ent {
	customs_match_record rec;
	int affected;
	int marker; /* NOT_AFFECTED marker */
	const char *first_fixed;
};

/* One lookup: (namespace, name, compared version) → evaluated entries. */
struct lookup {
	const char *ns, *name, *version;
	struct ent *ents;
	size_t nents;
	int has_data;
};

/* A match being built: hits (indexes into ents of one or two lookups). */
struct hit {
	const struct ent *e;
	struct vinfo *vi;
	customs_match_kind kind;
	size_t comp; /* union-find parent */
	int dropped;
};

struct ctx {
	customs_vulndb *db;
	const customs_analysis *a;
	const customs_match_opts *o;
	customs_arena *ar;
	char today[11];
	customs_strmap lookups; /* "ns\x1fname\x1fversion" → struct lookup* */
	customs_strmap vinfos;  /* "id\x1fsource" → struct vinfo* */
	long *owners;           /* customs_analysis_owners, built lazily */
	int owners_built;
	customs_strmap explain; /* ids of opts.explain_id's group */
	customs_strmap warned;
	customs_strmap nsdata;  /* namespace → (void *)1 when the database has entries */
	/* result arrays */
	customs_match *m;
	size_t n, cap;
	const char **warn;
	size_t nwarn, capwarn;
	const char **notes;
	size_t nnotes, capnotes;
	struct lookup **pending; /* lookups to fill */
	size_t npending, cappending;
	customs_arena *xar;      /* worker arenas, kept with the result */
	size_t nxar;
	/* scratch of one lookup */
	struct ent *ents;
	size_t nents, capents;
	const char *cur_name, *cur_version, *cur_ns;
	int err;
};

static int oom(void) { return customs__error(CUSTOMS_ENOMEM, "out of memory"); }

#define GROW(ptr, n, cap)                                                                                        \
	do {                                                                                                     \
		if ((n) == (cap)) {                                                                              \
			size_t ncap_ = (cap) ? (cap) * 2 : 16;                                                   \
			void *np_ = realloc((ptr), ncap_ * sizeof(*(ptr)));                                      \
			if (!np_)                                                                                \
				return oom();                                                                    \
			(ptr) = np_;                                                                             \
			(cap) = ncap_;                                                                           \
		}                                                                                                \
	} while (0)

static const char *adup(struct ctx *c, const char *s)
{
	return s ? customs_arena_strdup(c->ar, s) : NULL;
}

static char *afmt(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *afmt(struct ctx *c, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if ((size_t)n < sizeof(small))
		return customs_arena_strndup(c->ar, small, (size_t)n);
	char *p = customs_arena_alloc(c->ar, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static int warn(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int warn(struct ctx *c, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (customs_strmap_get(&c->warned, buf, NULL))
		return 0;
	char *s = customs_arena_strdup(c->ar, buf);
	if (!s || customs_strmap_put(&c->warned, s, (void *)1) < 0)
		return oom();
	GROW(c->warn, c->nwarn, c->capwarn);
	c->warn[c->nwarn++] = s;
	return 0;
}

static int note(struct ctx *c, const char *s)
{
	if (!s)
		return oom();
	GROW(c->notes, c->nnotes, c->capnotes);
	c->notes[c->nnotes++] = s;
	return 0;
}

static int is_cve(const char *id)
{
	return id && !strncasecmp(id, "CVE-", 4) && isdigit((unsigned char)id[4]);
}

/* ---- vulnerability info ---- */

static int get_vinfo(struct ctx *c, const char *id, const char *source, struct vinfo **out)
{
	char keybuf[600];
	customs_vuln_record *r = NULL;
	struct vinfo *v;
	int err;

	snprintf(keybuf, sizeof(keybuf), "%s\x1f%s", id, source ? source : "");
	if ((*out = customs_strmap_get(&c->vinfos, keybuf, NULL)))
		return 0;
	if (!(v = customs_arena_alloc(c->ar, sizeof(*v))))
		return oom();
	memset(v, 0, sizeof(*v));
	v->cvss3 = v->cvss4 = -1;
	v->id = adup(c, id);
	v->source = adup(c, source);
	err = customs_vulndb_vuln_from(c->db, id, source, &r);
	if (err < 0 && err != CUSTOMS_ENOTFOUND)
		return err;
	size_t ng = r ? r->ngroup : 0;
	v->aliases = customs_arena_alloc(c->ar, (ng + 1) * sizeof(*v->aliases));
	v->related = customs_arena_alloc(c->ar, (ng + 1) * sizeof(*v->related));
	if (!v->aliases || !v->related) {
		customs_vuln_record_free(r);
		return oom();
	}
	if (!r) {
		v->aliases[v->naliases++] = v->id;
	} else {
		for (size_t i = 0; i < r->ngroup; i++) {
			const char *gid = adup(c, r->group[i].id);
			if (r->group[i].relation <= CUSTOMS_VULN_ALIAS)
				v->aliases[v->naliases++] = gid;
			else
				v->related[v->nrelated++] = gid;
		}
		if (!v->naliases)
			v->aliases[v->naliases++] = v->id;
		/* the text of another feed is no "feed's own" score */
		int own = r->source && source && !strcmp(r->source, source);
		if (r->summary && *r->summary)
			v->summary = adup(c, r->summary);
		else if (r->details && *r->details) /* CVE records carry only details: their first line */
			v->summary = customs_arena_strndup(c->ar, r->details, strcspn(r->details, "\n") < 240 ? strcspn(r->details, "\n") : 240);
		if (own) {
			v->label = adup(c, r->severity);
			v->cvss3 = r->cvss3_score;
			v->cvss3_vector = adup(c, r->cvss3_vector);
			v->cvss4 = r->cvss4_score;
			v->cvss4_vector = adup(c, r->cvss4_vector);
		}
		if (r->nenrichment) {
			if (!(v->enr = customs_arena_alloc(c->ar, r->nenrichment * sizeof(*v->enr)))) {
				customs_vuln_record_free(r);
				return oom();
			}
			for (size_t i = 0; i < r->nenrichment; i++) {
				customs_vuln_enrichment e = r->enrichment[i];
				e.cve = adup(c, e.cve);
				e.nvd_cvss3_vector = adup(c, e.nvd_cvss3_vector);
				e.nvd_cvss4_vector = adup(c, e.nvd_cvss4_vector);
				e.nvd_cwes = NULL, e.nnvd_cwes = 0;
				e.nvd_published = adup(c, e.nvd_published);
				e.epss_date = adup(c, e.epss_date);
				e.kev_date_added = adup(c, e.kev_date_added);
				e.kev_due_date = adup(c, e.kev_due_date);
				e.kev_ransomware = adup(c, e.kev_ransomware);
				v->enr[v->nenr++] = e;
			}
		}
	}
	customs_vuln_record_free(r);
	char *key = customs_arena_strdup(c->ar, keybuf);
	if (!key || customs_strmap_put(&c->vinfos, key, v) < 0)
		return oom();
	*out = v;
	return 0;
}

/* ---- one lookup ---- */

static int cmp_str(const void *x, const void *y) { return strcmp(*(const char *const *)x, *(const char *const *)y); }

static const char *kind_word(customs_vuln_event_kind k)
{
	static const char *const w[] = {"introduced", "fixed", "last_affected", "limit"};
	return (unsigned)k < 4 ? w[k] : "?";
}

/* "dpkg: 3.0.11-1~deb12u2 < 3.0.13-1~deb12u1 (fixed)" */
static const char *comparison_text(struct ctx *c, const customs_match_eval *e, const char *version)
{
	if (e->by_versions)
		return afmt(c, "%s: %s is listed in the record's versions", e->scheme, version);
	if (!e->bound)
		return afmt(c, "%s: %s is in no range of the record", e->scheme ? e->scheme : "?", version);
	const char *op = e->cmp < 0 ? "<" : e->cmp > 0 ? ">" : "=";
	if (e->bound_kind == CUSTOMS_EVENT_INTRODUCED && e->affected)
		return afmt(c, "%s: %s >= %s (introduced), no fix", e->scheme, version, e->bound);
	return afmt(c, "%s: %s %s %s (%s)", e->scheme, version, op, e->bound, kind_word(e->bound_kind));
}

static int lookup_cb(void *ud, const customs_vuln_affected *a)
{
	struct ctx *c = ud;
	customs_match_eval e;
	struct ent x;
	int err;

	memset(&x, 0, sizeof(x));
	if (a->fix_state == CUSTOMS_FIX_NOT_AFFECTED && !a->nranges && !a->nversions) {
		x.marker = 1;
	} else if (!a->nranges && !a->nversions) {
		return 0; /* nothing to evaluate */
	} else if ((err = customs_match_entry(&e, a, c->cur_version)) < 0) {
		if (err == CUSTOMS_EFORMAT)
			return warn(c, "%s %s: version \"%s\" is not a valid %s version; its %s entries were not evaluated",
				    c->cur_ns, c->cur_name, c->cur_version, a->scheme, a->source) < 0 ? CUSTOMS_ENOMEM : 0;
		if (err == CUSTOMS_EUNSUPPORTED)
			return warn(c, "%s: %s", a->vuln_id, customs_error_last()) < 0 ? CUSTOMS_ENOMEM : 0;
		return err;
	} else {
		x.affected = e.affected;
		x.rec.comparison = comparison_text(c, &e, c->cur_version);
		if (!x.rec.comparison)
			return oom();
	}
	x.rec.id = adup(c, a->vuln_id);
	x.rec.source = adup(c, a->source);
	x.rec.ns = adup(c, a->ns);
	x.rec.ecosystem = adup(c, a->ecosystem);
	x.rec.package = adup(c, a->package);
	x.rec.status = adup(c, a->status);
	x.rec.urgency = adup(c, a->urgency);
	x.rec.fix_state = a->fix_state;
	if (!x.rec.id || !x.rec.source)
		return oom();
	if (!x.marker) {
		char *rt = customs_match_range_text(a);
		x.rec.range = adup(c, rt);
		free(rt);
		/* fixed versions above the installed one, ascending */
		const customs_version_scheme *s = customs_version_scheme_find(a->scheme);
		const char **fx = customs_arena_alloc(c->ar, (a->nfixed + 1) * sizeof(*fx));
		if (!fx)
			return oom();
		size_t nf = 0;
		for (size_t i = 0; s && i < a->nfixed; i++) {
			int cmp;
			if (customs_version_compare(s, a->fixed[i], c->cur_version, &cmp) < 0 || cmp <= 0)
				continue;
			size_t j = nf;
			while (j > 0) {
				int c2;
				if (customs_version_compare(s, fx[j - 1], a->fixed[i], &c2) < 0 || c2 <= 0)
					break;
				j--;
			}
			int dup = 0;
			for (size_t k = 0; k < nf; k++)
				dup |= !strcmp(fx[k], a->fixed[i]);
			if (dup)
				continue;
			memmove(fx + j + 1, fx + j, (nf - j) * sizeof(*fx));
			fx[j] = adup(c, a->fixed[i]);
			nf++;
		}
		fx[nf] = NULL;
		x.rec.fixed = fx;
		x.rec.nfixed = nf;
		x.first_fixed = nf ? fx[0] : NULL;
		if (x.affected) {
			if (e.bound_kind == CUSTOMS_EVENT_FIXED && !e.by_versions)
				x.rec.fix_state = CUSTOMS_FIX_FIXED;
			else if (a->fix_state == CUSTOMS_FIX_WONT_FIX)
				x.rec.fix_state = CUSTOMS_FIX_WONT_FIX;
			else if (e.bound_kind == CUSTOMS_EVENT_INTRODUCED && !e.by_versions)
				x.rec.fix_state = a->fix_state == CUSTOMS_FIX_UNKNOWN ? CUSTOMS_FIX_UNKNOWN : CUSTOMS_FIX_NOT_FIXED;
			else
				x.rec.fix_state = nf ? CUSTOMS_FIX_FIXED : CUSTOMS_FIX_UNKNOWN;
		} else {
			/* what the feed says for versions past the range: the first fix */
			const char *ff = NULL;
			for (size_t i = 0; i < a->nfixed && !ff; i++)
				ff = a->fixed[i];
			x.first_fixed = ff ? adup(c, ff) : NULL;
		}
		if (!x.affected && c->explain.n &&
		    (customs_strmap_get(&c->explain, a->vuln_id, NULL))) {
			if ((err = note(c, afmt(c, "%s %s %s: %s (%s): range %s; %s: not affected", c->cur_ns, c->cur_name,
						 c->cur_version, a->vuln_id, a->source, x.rec.range ? x.rec.range : "?",
						 x.rec.comparison))) < 0)
				return err;
		}
	} else if (c->explain.n && customs_strmap_get(&c->explain, a->vuln_id, NULL)) {
		if ((err = note(c, afmt(c, "%s %s: %s (%s): the feed marks this package not affected", c->cur_ns, c->cur_name,
					 a->vuln_id, a->source))) < 0)
			return err;
	}
	GROW(c->ents, c->nents, c->capents);
	c->ents[c->nents++] = x;
	return 0;
}

/* The lookup for (ns, name, version): an existing one, or a new empty one
 * queued in c->pending for fill_lookup. */
static int get_lookup(struct ctx *c, const char *ns, const char *name, const char *version, struct lookup **out)
{
	char *key = NULL;
	struct lookup *l;

	size_t klen = strlen(ns) + strlen(name) + strlen(version) + 3;
	char stackkey[512], *k = klen <= sizeof(stackkey) ? stackkey : malloc(klen);
	if (!k)
		return oom();
	snprintf(k, klen, "%s\x1f%s\x1f%s", ns, name, version);
	l = customs_strmap_get(&c->lookups, k, NULL);
	if (l) {
		if (k != stackkey)
			free(k);
		*out = l;
		return 0;
	}
	key = customs_arena_strdup(c->ar, k);
	if (k != stackkey)
		free(k);
	if (!key || !(l = customs_arena_alloc(c->ar, sizeof(*l))))
		return oom();
	memset(l, 0, sizeof(*l));
	l->ns = adup(c, ns);
	l->name = adup(c, name);
	l->version = adup(c, version);
	if (!l->ns || !l->name || !l->version || customs_strmap_put(&c->lookups, key, l) < 0)
		return oom();
	GROW(c->pending, c->npending, c->cappending);
	c->pending[c->npending++] = l;
	*out = l;
	return 0;
}

/* Query db for l's entries and evaluate them, with c's arena and lists. */
static int fill_lookup(struct ctx *c, customs_vulndb *db, struct lookup *l)
{
	int err;
	c->nents = 0;
	c->cur_ns = l->ns, c->cur_name = l->name, c->cur_version = l->version;
	if ((err = customs_vulndb_affected(db, l->ns, l->name, lookup_cb, c)) < 0)
		return err;
	if (c->nents) {
		struct ent *e = customs_arena_alloc(c->ar, c->nents * sizeof(*e));
		if (!e)
			return oom();
		memcpy(e, c->ents, c->nents * sizeof(*e));
		l->ents = e;
		l->nents = c->nents;
	}
	return 0;
}

/* Filling the queued lookups on several database handles at once: each
 * worker has a ctx of its own (arena, warnings, notes, scratch) sharing only
 * read-only state (options, the explain set); lookups are disjoint. */
struct worker {
	struct ctx c;
	customs_arena ar;
	customs_vulndb *db;
	struct lookup **l;
	size_t n;
	int err;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	for (size_t i = 0; i < w->n && w->err >= 0; i++)
		w->err = fill_lookup(&w->c, w->db, w->l[i]);
	return NULL;
}

static int fill_pending(struct ctx *c)
{
	size_t nw = 1 + (c->o->nmore_dbs < 7 ? c->o->nmore_dbs : 7);
	int err = 0;

	if (nw == 1 || c->npending < 64) {
		for (size_t i = 0; i < c->npending && err >= 0; i++)
			err = fill_lookup(c, c->db, c->pending[i]);
		return err < 0 ? err : 0;
	}
	struct worker *w = calloc(nw, sizeof(*w));
	pthread_t th[8];
	int started[8] = {0};
	if (!w)
		return oom();
	/* interleaved shares: neighbours in the package list cost alike */
	for (size_t i = 0; i < nw; i++) {
		w[i].c = *c;
		memset(&w[i].c.warned, 0, sizeof(w[i].c.warned));
		w[i].c.warn = NULL, w[i].c.nwarn = w[i].c.capwarn = 0;
		w[i].c.notes = NULL, w[i].c.nnotes = w[i].c.capnotes = 0;
		w[i].c.ents = NULL, w[i].c.nents = w[i].c.capents = 0;
		w[i].c.ar = &w[i].ar;
		w[i].db = i ? c->o->more_dbs[i - 1] : c->db;
		if (!(w[i].l = calloc(c->npending / nw + 1, sizeof(*w[i].l)))) {
			err = oom();
			goto done;
		}
	}
	for (size_t i = 0; i < c->npending; i++)
		w[i % nw].l[w[i % nw].n++] = c->pending[i];
	for (size_t i = 1; i < nw; i++)
		started[i] = pthread_create(&th[i], NULL, worker_run, &w[i]) == 0;
	for (size_t i = 1; i < nw; i++)
		if (!started[i]) /* no thread: do its share here */
			worker_run(&w[i]);
	worker_run(&w[0]);
	for (size_t i = 1; i < nw; i++)
		if (started[i])
			pthread_join(th[i], NULL);
done:
	for (size_t i = 0; i < nw; i++) {
		if (w[i].err < 0 && err >= 0)
			err = w[i].err;
		for (size_t k = 0; k < w[i].c.nwarn && err >= 0; k++)
			err = warn(c, "%s", w[i].c.warn[k]);
		for (size_t k = 0; k < w[i].c.nnotes && err >= 0; k++)
			err = note(c, adup(c, w[i].c.notes[k]));
		free(w[i].c.warn);
		free(w[i].c.notes);
		free(w[i].c.ents);
		customs_strmap_release(&w[i].c.warned);
		free(w[i].l);
		/* the entries live in the worker's arena: it goes with the result */
		if (w[i].ar.head) {
			customs_arena *x = realloc(c->xar, (c->nxar + 1) * sizeof(*x));
			if (x) {
				c->xar = x;
				c->xar[c->nxar++] = w[i].ar;
			} else {
				customs_arena_release(&w[i].ar);
				err = oom();
			}
		}
	}
	free(w);
	return err < 0 ? err : 0;
}

/* ---- a package's key: namespace, name, version ---- */

static const char *meta_str(const customs_package *p, const char *key)
{
	return p->metadata ? json_string_value(json_object_get(p->metadata, key)) : NULL;
}

static int is_distro_type(const char *t)
{
	return t && (!strcmp(t, "deb") || !strcmp(t, "rpm") || !strcmp(t, "apk"));
}

static const char *lang_ns(const char *type)
{
	static const struct {
		const char *type, *ns;
	} m[] = {
		{"python", "pypi"},      {"npm", "npm"},           {"go-module", "go"},        {"java-archive", "maven"},
		{"maven", "maven"},      {"gem", "rubygems"},      {"rust-crate", "crates.io"}, {"php-composer", "packagist"},
		{"dotnet", "nuget"},     {"nuget", "nuget"},
	};
	for (size_t i = 0; type && i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(type, m[i].type))
			return m[i].ns;
	return NULL;
}

/* "go1.21rc2" → "1.21.0-rc.2", "go1.20" → "1.20.0", "go1.20.7" → "1.20.7"
 * (the Go vulndb's spelling of toolchain versions). */
static const char *go_toolchain_version(struct ctx *c, const char *v)
{
	char buf[128];
	size_t i = 0, o = 0, dots = 0;
	if (!v)
		return NULL;
	if (!strncmp(v, "go", 2))
		v += 2;
	else if (*v == 'v')
		v++;
	if (!isdigit((unsigned char)*v))
		return NULL;
	while (v[i] && (isdigit((unsigned char)v[i]) || v[i] == '.') && o < 64) {
		dots += v[i] == '.';
		buf[o++] = v[i++];
	}
	while (dots < 2 && o < 64) {
		memcpy(buf + o, ".0", 2);
		o += 2;
		dots++;
	}
	buf[o] = '\0';
	if (v[i]) {
		size_t k = i;
		while (isalpha((unsigned char)v[k]))
			k++;
		if (k > i && (!strncmp(v + i, "rc", 2) || !strncmp(v + i, "beta", 4) || !strncmp(v + i, "alpha", 5)))
			return afmt(c, "%s-%.*s.%s", buf, (int)(k - i), v + i, v + k);
		/* "1.22.0-X:nodwarf5", "1.21.4 X:..." : the release part only */
	}
	return adup(c, buf);
}

static const char *maven_name(struct ctx *c, const customs_package *p)
{
	static const char *const gk[] = {"group_id", "groupId", "group", "pom_group_id"};
	static const char *const ak[] = {"artifact_id", "artifactId", "artifact", "pom_artifact_id"};
	const char *g = NULL, *art = NULL;
	for (size_t i = 0; i < 4 && !g; i++)
		g = meta_str(p, gk[i]);
	for (size_t i = 0; i < 4 && !art; i++)
		art = meta_str(p, ak[i]);
	if (g && *g)
		return afmt(c, "%s:%s", g, art && *art ? art : p->name);
	if (p->purl && !strncmp(p->purl, "pkg:maven/", 10)) {
		customs_purl *u = NULL;
		if (customs_purl_parse_ext(&u, p->purl, CUSTOMS_PURL_LENIENT) == 0 && u->namespace_) {
			const char *r = afmt(c, "%s:%s", u->namespace_, u->name);
			customs_purl_free(u);
			return r;
		}
		customs_purl_free(u);
	}
	return p->name;
}

/* The package that installed the language package at index pi, or NULL. */
static const customs_package *owner_of(struct ctx *c, size_t pi)
{
	if (!c->owners_built) {
		c->owners_built = 1;
		if (customs_analysis_owners(c->a, &c->owners) < 0)
			c->owners = NULL; /* out of memory: no owners, as before any were found */
	}
	return c->owners && c->owners[pi] >= 0 ? c->a->packages[c->owners[pi]] : NULL;
}

/* For a distro package: its namespace, the names to look up and the version
 * to compare. */
static const char *distro_ns_of(struct ctx *c, const customs_package *p, const char *fallback)
{
	const char *ns = meta_str(p, "distro_namespace");
	(void)c;
	return ns && *ns ? ns : fallback;
}

static const char *distro_version(const customs_package *p)
{
	if (!strcmp(p->type, "deb") && p->source_version && *p->source_version)
		return p->source_version; /* Debian's feed lists source versions */
	return p->version;
}

/* ---- building matches of one package ---- */

static size_t uf_find(struct hit *h, size_t i)
{
	while (h[i].comp != i) {
		h[i].comp = h[h[i].comp].comp;
		i = h[i].comp;
	}
	return i;
}

static int has_id(const char *const *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(v[i], id))
			return 1;
	return 0;
}

/* severity, EPSS, KEV of a match from its deciding record and its group */
static void fill_scores(customs_match *m, const struct vinfo *vi, const char *primary)
{
	const customs_vuln_enrichment *en = NULL;
	for (size_t i = 0; vi && i < vi->nenr && !en; i++)
		if (!strcasecmp(vi->enr[i].cve, primary))
			en = &vi->enr[i];
	if (!en && vi && vi->nenr)
		en = &vi->enr[0];
	m->cvss_score = -1;
	m->epss = m->epss_percentile = -1;
	m->severity = CUSTOMS_SEVERITY_UNKNOWN;
	m->severity_source = "none";
	m->severity_label = vi ? vi->label : NULL;
	m->summary = vi ? vi->summary : NULL;
	if (vi && vi->cvss3 >= 0) {
		m->cvss_score = vi->cvss3;
		m->cvss_vector = vi->cvss3_vector;
		m->cvss_from = vi->source;
		m->severity = customs_severity_from_cvss(vi->cvss3);
		m->severity_source = "cvss";
	} else if (en && en->has_nvd && en->nvd_cvss3_score >= 0) {
		m->cvss_score = en->nvd_cvss3_score;
		m->cvss_vector = en->nvd_cvss3_vector;
		m->cvss_from = "nvd";
		m->severity = customs_severity_from_cvss(en->nvd_cvss3_score);
		m->severity_source = "nvd";
	} else if (vi && vi->cvss4 >= 0) {
		m->cvss_score = vi->cvss4;
		m->cvss_vector = vi->cvss4_vector;
		m->cvss_from = vi->source;
		m->severity = customs_severity_from_cvss(vi->cvss4);
		m->severity_source = "cvss-v4";
	} else if (vi && vi->label && !strncmp(vi->label, "CVSS:3", 6)) {
		/* a vector as the per-package severity: no score without computing it */
		m->cvss_vector = vi->label;
	}
	if (m->severity == CUSTOMS_SEVERITY_UNKNOWN && vi && vi->label &&
	    customs_severity_parse(&m->severity, vi->label) == 0)
		m->severity_source = "label";
	else if (m->severity == CUSTOMS_SEVERITY_UNKNOWN)
		customs_error_clear();
	if (m->severity == CUSTOMS_SEVERITY_UNKNOWN && m->urgency) {
		static const struct {
			const char *u;
			customs_severity s;
		} hint[] = {{"unimportant", CUSTOMS_SEVERITY_NEGLIGIBLE}, {"low", CUSTOMS_SEVERITY_LOW},
			    {"medium", CUSTOMS_SEVERITY_MEDIUM},         {"high", CUSTOMS_SEVERITY_HIGH}};
		for (size_t i = 0; i < sizeof(hint) / sizeof(hint[0]); i++)
			if (!strcmp(m->urgency, hint[i].u)) {
				m->severity = hint[i].s;
				m->severity_source = "urgency";
			}
	}
	if (en && en->has_epss) {
		m->epss = en->epss_score;
		m->epss_percentile = en->epss_percentile;
		m->epss_date = en->epss_date;
	}
	for (size_t i = 0; vi && i < vi->nenr; i++)
		if (vi->enr[i].kev) {
			m->kev = 1;
			m->kev_date_added = vi->enr[i].kev_date_added;
			break;
		}
}

#define GROW_GOTO(ptr, n, cap)                                                                                   \
	do {                                                                                                     \
		if ((n) == (cap)) {                                                                              \
			size_t ncap_ = (cap) ? (cap) * 2 : 16;                                                   \
			void *np_ = realloc((ptr), ncap_ * sizeof(*(ptr)));                                      \
			if (!np_) {                                                                              \
				err = oom();                                                                     \
				goto done;                                                                       \
			}                                                                                        \
			(ptr) = np_;                                                                             \
			(cap) = ncap_;                                                                           \
		}                                                                                                \
	} while (0)

/* pairs {root, index} and {target, hit}: by the first, then the second */
static int cmp_pair(const void *x, const void *y)
{
	const size_t *a = x, *b = y;
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	return (a[1] > b[1]) - (a[1] < b[1]);
}
/* Matches of package p (index pi) from the hits of its lookups. */
static int emit_matches(struct ctx *c, const customs_package *p, size_t pi, struct hit *h, size_t nh,
			const char *lookup_name, const char *installed, const customs_package *owner,
			const struct lookup *owner_lookup, const char *owner_ns, const char *owner_src, int owner_data,
			const struct lookup *const *lks, size_t nlks)
{
	customs_strmap idmap = {0}; /* alias id → hit index + 1 */
	size_t *root = NULL, *mem = NULL, nfp = 0, capfp = 0;
	struct pair { size_t root, idx; } *order = NULL;
	char *rootcve = NULL, *folded = NULL;
	struct fold { size_t target, hit; } *fp = NULL;
	int err = 0;

	if (!nh)
		return 0;
	for (size_t i = 0; i < nh; i++) {
		h[i].comp = i;
		if ((err = get_vinfo(c, h[i].e->rec.id, h[i].e->rec.source, &h[i].vi)) < 0)
			goto done;
	}
	/* union hits that share an alias (or whose ids name each other) */
	for (size_t i = 0; i < nh; i++) {
		const struct vinfo *v = h[i].vi;
		for (size_t k = 0; k < v->naliases; k++) {
			int found;
			void *j = customs_strmap_get(&idmap, v->aliases[k], &found);
			if (found) {
				size_t a = uf_find(h, (size_t)(uintptr_t)j - 1), b = uf_find(h, i);
				if (a != b)
					h[b > a ? b : a].comp = b > a ? a : b;
			} else if ((err = customs_strmap_put(&idmap, v->aliases[k], (void *)(uintptr_t)(i + 1))) < 0)
				goto done;
		}
	}
	/* components without any CVE fold into the CVE matches they relate to
	 * (a DSA relates to the CVEs it fixes) */
	root = malloc(nh * sizeof(*root));
	order = malloc(nh * sizeof(*order));
	rootcve = calloc(nh, 1);
	folded = calloc(nh, 1);
	mem = malloc((nh * 2 + 1) * sizeof(*mem));
	if (!root || !order || !rootcve || !folded || !mem) {
		err = oom();
		goto done;
	}
	for (size_t i = 0; i < nh; i++) {
		root[i] = uf_find(h, i);
		order[i].root = root[i];
		order[i].idx = i;
	}
	for (size_t i = 0; i < nh; i++)
		for (size_t k = 0; k < h[i].vi->naliases && !rootcve[root[i]]; k++)
			rootcve[root[i]] = (char)is_cve(h[i].vi->aliases[k]);
	for (size_t i = 0; i < nh; i++) {
		size_t first = nfp;
		if (rootcve[root[i]])
			continue;
		for (size_t k = 0; k < h[i].vi->nrelated; k++) {
			int found, dup = 0;
			void *j = customs_strmap_get(&idmap, h[i].vi->related[k], &found);
			if (!found || !is_cve(h[i].vi->related[k]))
				continue;
			size_t t = root[(size_t)(uintptr_t)j - 1];
			if (t == root[i])
				continue;
			for (size_t q = first; q < nfp; q++)
				dup |= fp[q].target == t;
			if (dup)
				continue;
			GROW_GOTO(fp, nfp, capfp);
			fp[nfp].target = t;
			fp[nfp].hit = i;
			nfp++;
			folded[i] = 1;
		}
	}
	qsort(order, nh, sizeof(*order), cmp_pair);
	if (nfp)
		qsort(fp, nfp, sizeof(*fp), cmp_pair);

	/* one match per component */
	for (size_t gi = 0, fi = 0; !err && gi < nh;) {
		size_t r = order[gi].root, nmem = 0, ge = gi;
		int all_folded = 1;
		while (ge < nh && order[ge].root == r) {
			all_folded &= folded[order[ge].idx];
			mem[nmem++] = order[ge++].idx;
		}
		gi = ge;
		while (fi < nfp && fp[fi].target < r)
			fi++;
		while (fi < nfp && fp[fi].target == r)
			mem[nmem++] = fp[fi++].hit;
		if (all_folded)
			continue;
		/* primary id: a matched CVE record, else a CVE alias, else the first record */
		const char *primary = NULL;
		for (size_t k = 0; k < nmem && !primary; k++)
			if (is_cve(h[mem[k]].e->rec.id) && root[mem[k]] == r)
				primary = h[mem[k]].e->rec.id;
		for (size_t k = 0; k < nmem && !primary; k++)
			if (root[mem[k]] == r)
				for (size_t q = 0; q < h[mem[k]].vi->naliases && !primary; q++)
					if (is_cve(h[mem[k]].vi->aliases[q]))
						primary = h[mem[k]].vi->aliases[q];
		/* the deciding record: named like the primary, else one with a fix, else the first */
		size_t dec = mem[0];
		int rank = -1;
		for (size_t k = 0; k < nmem; k++) {
			const struct ent *e = h[mem[k]].e;
			int rk = (primary && !strcasecmp(e->rec.id, primary)) * 4 + (e->rec.fix_state == CUSTOMS_FIX_FIXED) * 2 +
				 (root[mem[k]] == r);
			if (rk > rank)
				rank = rk, dec = mem[k];
		}
		if (!primary)
			primary = h[dec].e->rec.id;

		customs_match m;
		memset(&m, 0, sizeof(m));
		m.id = primary;
		/* ids: primary, then the rest sorted */
		size_t cap = 1;
		for (size_t k = 0; k < nmem; k++)
			cap += 1 + (root[mem[k]] == r ? h[mem[k]].vi->naliases : 0);
		const char **ids = customs_arena_alloc(c->ar, (cap + 1) * sizeof(*ids));
		customs_match_record *recs = customs_arena_alloc(c->ar, (nmem + 1) * sizeof(*recs));
		if (!ids || !recs) {
			err = oom();
			break;
		}
		size_t nids = 0;
		ids[nids++] = primary;
		for (size_t k = 0; k < nmem; k++) {
			const struct hit *x = &h[mem[k]];
			if (!has_id(ids, nids, x->e->rec.id))
				ids[nids++] = x->e->rec.id;
			if (root[mem[k]] == r)
				for (size_t q = 0; q < x->vi->naliases; q++)
					if (!has_id(ids, nids, x->vi->aliases[q]))
						ids[nids++] = x->vi->aliases[q];
		}
		qsort(ids + 1, nids - 1, sizeof(*ids), cmp_str);
		m.ids = ids;
		m.nids = nids;
		size_t nrec = 0;
		recs[nrec++] = h[dec].e->rec;
		for (size_t k = 0; k < nmem; k++) {
			int dup = 0;
			for (size_t q = 0; q < nrec; q++)
				dup |= !strcmp(recs[q].id, h[mem[k]].e->rec.id) && !strcmp(recs[q].source, h[mem[k]].e->rec.source);
			if (!dup)
				recs[nrec++] = h[mem[k]].e->rec;
		}
		m.records = recs;
		m.nrecords = nrec;

		const struct ent *de = h[dec].e;
		m.package_index = pi;
		m.package = p;
		m.name = p->name;
		m.version = p->version;
		m.type = p->type;
		m.purl = p->purl;
		/* the file it was found in; inside an archive, the member ("x.war!/WEB-INF/lib/y.jar") */
		m.location = meta_str(p, "location") && strstr(meta_str(p, "location"), "!/") ? meta_str(p, "location")
			     : p->db_path ? p->db_path : meta_str(p, "location");
		m.layer = p->layer;
		m.installed = installed;
		m.fix_state = de->rec.fix_state;
		m.fixed = de->rec.fixed;
		m.nfixed = de->rec.nfixed;
		m.kind = h[dec].kind;
		m.lookup_name = lookup_name;
		m.ns = de->rec.ns;
		m.source = de->rec.source;
		m.ecosystem = de->rec.ecosystem;
		m.range = de->rec.range;
		m.comparison = de->rec.comparison;
		m.status = de->rec.status;
		m.urgency = de->rec.urgency;
		fill_scores(&m, h[dec].vi, primary);

		/* a not-affected marker for any id of the match, in the same package */
		for (size_t li = 0; li < nlks && !m.suppressed; li++)
			for (size_t k = 0; k < lks[li]->nents && !m.suppressed; k++) {
				const struct ent *e = &lks[li]->ents[k];
				if (e->marker && has_id(m.ids, m.nids, e->rec.id)) {
					m.suppressed = CUSTOMS_SUPPRESS_NOT_AFFECTED;
					m.suppressed_reason = afmt(c, "%s marks %s %s not affected by %s", e->rec.source, e->rec.ns,
								   e->rec.package, e->rec.id);
				}
			}

		/* covered by the owning distro package */
		if (owner) {
			customs_match_cover *cv = customs_arena_alloc(c->ar, sizeof(*cv));
			if (!cv) {
				err = oom();
				break;
			}
			memset(cv, 0, sizeof(*cv));
			cv->package = owner->name;
			cv->version = owner->version;
			cv->source = owner_src;
			cv->ns = owner_ns;
			cv->state = owner_data ? "no-record" : "no-data";
			const struct ent *best = NULL;
			int brank = 0;
			for (size_t k = 0; owner_lookup && k < owner_lookup->nents; k++) {
				const struct ent *e = &owner_lookup->ents[k];
				if (!has_id(m.ids, m.nids, e->rec.id))
					continue;
				int rk = e->affected ? 3 : e->marker ? 2 : 1;
				if (rk > brank)
					brank = rk, best = e;
			}
			if (best) {
				cv->state = best->affected ? "affected" : best->marker ? "not-affected" : "fixed";
				cv->vuln_id = best->rec.id;
				cv->fix_state = best->affected ? best->rec.fix_state : best->marker ? CUSTOMS_FIX_NOT_AFFECTED
												       : CUSTOMS_FIX_FIXED;
				cv->fixed = best->first_fixed;
				cv->status = best->rec.status;
				cv->urgency = best->rec.urgency;
				cv->comparison = best->rec.comparison;
			}
			m.covered_by = cv;
			m.kind = CUSTOMS_MATCH_OWNER;
			if (!m.suppressed) {
				m.suppressed = CUSTOMS_SUPPRESS_COVERED;
				m.suppressed_reason =
					afmt(c, "installed by %s %s: %s %s says %s%s%s%s%s", owner->type, owner->name, cv->ns ? cv->ns : "?",
					     owner_src ? owner_src : owner->name, cv->state, cv->vuln_id ? " (" : "",
					     cv->vuln_id ? cv->vuln_id : "", cv->vuln_id ? ")" : "",
					     cv->fixed && best && !best->affected ? afmt(c, ", fixed in %s", cv->fixed) : "");
			}
		}
		GROW_GOTO(c->m, c->n, c->cap);
		c->m[c->n++] = m;
	}
done:
	customs_strmap_release(&idmap);
	free(root);
	free(order);
	free(rootcve);
	free(folded);
	free(mem);
	free(fp);
	return err;
}

/* Hits of the lookups (deduplicated by id and source). */
static int collect_hits(struct hit **out, size_t *n, const struct lookup *const *lks, const customs_match_kind *kinds,
			size_t nlks)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < nlks; i++)
		total += lks[i]->nents;
	*out = NULL;
	*n = 0;
	if (!total)
		return 0;
	struct hit *h = calloc(total, sizeof(*h));
	if (!h)
		return oom();
	for (size_t i = 0; i < nlks; i++)
		for (size_t j = 0; j < lks[i]->nents; j++) {
			const struct ent *e = &lks[i]->ents[j];
			int dup = 0;
			if (!e->affected)
				continue;
			for (size_t q = 0; q < k && !dup; q++)
				dup = !strcmp(h[q].e->rec.id, e->rec.id) && !strcmp(h[q].e->rec.source, e->rec.source);
			if (dup)
				continue;
			h[k].e = e;
			h[k].kind = kinds[i];
			k++;
		}
	*out = h;
	*n = k;
	return 0;
}

struct pkgkey {
	const char *ns;
	const char *names[2];
	customs_match_kind kinds[2];
	size_t nnames;
	const char *version;
};

static int distro_key(struct ctx *c, const customs_package *p, const char *dns, struct pkgkey *k)
{
	memset(k, 0, sizeof(*k));
	k->ns = distro_ns_of(c, p, dns);
	k->version = distro_version(p);
	if (!k->ns || !k->version || !p->name)
		return 0;
	const char *src = p->source_name && *p->source_name ? p->source_name : p->name;
	k->names[k->nnames] = src;
	k->kinds[k->nnames++] = strcmp(src, p->name) ? CUSTOMS_MATCH_SOURCE : CUSTOMS_MATCH_DIRECT;
	/* rpm feeds (AlmaLinux, Red Hat) name binary packages */
	if (!strcmp(p->type, "rpm") && strcmp(src, p->name)) {
		k->names[k->nnames] = p->name;
		k->kinds[k->nnames++] = CUSTOMS_MATCH_DIRECT;
	}
	return 1;
}

static int lang_key(struct ctx *c, const customs_package *p, struct pkgkey *k)
{
	memset(k, 0, sizeof(*k));
	if (!(k->ns = lang_ns(p->type)) || !p->name || !p->version || !*p->version)
		return 0;
	k->names[0] = p->name;
	k->kinds[0] = CUSTOMS_MATCH_DIRECT;
	k->nnames = 1;
	k->version = p->version;
	if (!strcmp(k->ns, "go")) {
		if (!strcmp(p->name, "stdlib") || !strcmp(p->name, "go") || !strcmp(p->name, "toolchain")) {
			k->names[0] = "stdlib";
			if (!(k->version = go_toolchain_version(c, p->version)))
				return 0;
		} else if (p->version[0] == '(') {
			return 0; /* "(devel)": a main module built from a checkout has no version */
		}
	} else if (!strcmp(k->ns, "maven")) {
		if (!(k->names[0] = maven_name(c, p)))
			return 0;
	}
	return 1;
}

/* ---- suppression by rules ---- */

static int purl_matches(const char *want, const char *have, const char *image_digest, int *image_wide)
{
	customs_purl *w = NULL, *h = NULL;
	int ok = 0;
	*image_wide = 0;
	if (!want)
		return 0;
	if (customs_purl_parse_ext(&w, want, CUSTOMS_PURL_LENIENT) < 0) {
		customs_error_clear();
		return 0;
	}
	if (!strcmp(w->type, "oci") || !strcmp(w->type, "docker")) {
		/* the image itself: it must be this one when a digest is given */
		*image_wide = !w->version || !image_digest || !strcmp(w->version, image_digest);
		customs_purl_free(w);
		return 0;
	}
	if (have && customs_purl_parse_ext(&h, have, CUSTOMS_PURL_LENIENT) == 0) {
		ok = !strcmp(w->type, h->type) && !strcmp(w->name, h->name) &&
		     (!w->namespace_ || (h->namespace_ && !strcmp(w->namespace_, h->namespace_))) &&
		     (!w->version || (h->version && !strcmp(w->version, h->version)));
		for (size_t i = 0; ok && i < w->nqualifiers; i++) {
			const char *hv = customs_purl_qualifier(h, w->qkeys[i]);
			ok = hv && !strcmp(hv, w->qvals[i]);
		}
	}
	customs_error_clear();
	customs_purl_free(w);
	customs_purl_free(h);
	return ok;
}

static const char *product_id(const json_t *p)
{
	if (json_is_string(p))
		return json_string_value(p);
	const char *id = jstr(p, "@id");
	json_t *ident = json_object_get(p, "identifiers");
	if (jstr(ident, "purl"))
		return jstr(ident, "purl");
	return id;
}

static int vex_applies(const struct vex_stmt *s, const customs_match *m, const char *image_digest)
{
	int named = 0;
	for (size_t i = 0; i < s->nvulns && !named; i++)
		named = has_id(m->ids, m->nids, s->vulns[i]);
	if (!named)
		return 0;
	json_t *prods = json_object_get(s->stmt, "products"), *ssubs = json_object_get(s->stmt, "subcomponents");
	for (size_t i = 0; i < json_array_size(prods); i++) {
		json_t *p = json_array_get(prods, i), *subs = json_object_get(p, "subcomponents");
		int wide = 0, w2;
		if (purl_matches(product_id(p), m->purl, image_digest, &wide))
			return 1;
		size_t nsub = json_array_size(subs) + json_array_size(ssubs);
		for (size_t k = 0; k < json_array_size(subs); k++)
			if (purl_matches(product_id(json_array_get(subs, k)), m->purl, image_digest, &w2))
				return 1;
		for (size_t k = 0; k < json_array_size(ssubs); k++)
			if (purl_matches(product_id(json_array_get(ssubs, k)), m->purl, image_digest, &w2))
				return 1;
		if (wide && !nsub)
			return 1; /* a statement about the whole image */
	}
	return 0;
}

static int rule_applies(const struct ignore_rule *r, const customs_match *m)
{
	if (r->id && !has_id(m->ids, m->nids, r->id))
		return 0;
	if (r->name && (!m->name || fnmatch(r->name, m->name, 0) != 0))
		return 0;
	if (r->version && (!m->version || strcmp(r->version, m->version)) && (!m->installed || strcmp(r->version, m->installed)))
		return 0;
	if (r->type && (!m->type || strcmp(r->type, m->type)))
		return 0;
	if (r->location && (!m->location || (fnmatch(r->location, m->location, 0) != 0 &&
					     !(r->location[0] == '/' && fnmatch(r->location + 1, m->location, 0) == 0))))
		return 0;
	if (r->fix_state >= 0 && (int)m->fix_state != r->fix_state)
		return 0;
	return 1;
}

static int in_list(const char *list, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	for (const char *p = list; p && n && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len == n && !strncasecmp(p, s, n))
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

static int apply_rules(struct ctx *c, customs_match *m)
{
	const customs_match_rules *r = c->o->rules;
	const char *digest = c->a->image.manifest_digest;

	if (r) {
		/* VEX: the latest applicable statement */
		const struct vex_stmt *best = NULL;
		for (size_t i = 0; i < r->nvex; i++) {
			const struct vex_stmt *s = &r->vex[i];
			if (!vex_applies(s, m, digest))
				continue;
			if (!best || (s->timestamp && best->timestamp && strcmp(s->timestamp, best->timestamp) >= 0) ||
			    (!s->timestamp || !best->timestamp))
				best = s;
		}
		if (best) {
			m->vex_status = best->status;
			m->vex_justification = best->justification;
			if (!m->suppressed && (!strcmp(best->status, "not_affected") || !strcmp(best->status, "fixed"))) {
				m->suppressed = CUSTOMS_SUPPRESS_VEX;
				m->suppressed_reason = afmt(c, "VEX %s: %s%s%s%s%s", best->where, best->status,
							    best->justification ? " (" : "", best->justification ? best->justification : "",
							    best->justification ? ")" : "",
							    best->impact ? afmt(c, ": %s", best->impact) : "");
			}
		}
		for (size_t i = 0; !m->suppressed && i < r->nign; i++) {
			const struct ignore_rule *x = &r->ign[i];
			if (x->expires && strcmp(x->expires, c->today) < 0)
				continue;
			if (!rule_applies(x, m))
				continue;
			m->suppressed = CUSTOMS_SUPPRESS_IGNORE;
			m->suppressed_reason = afmt(c, "ignore %s%s%s%s%s", x->where, x->reason ? ": " : "", x->reason ? x->reason : "",
						    x->expires ? ", until " : "", x->expires ? x->expires : "");
		}
	}
	if (!m->suppressed && c->o->hide_status && m->status && in_list(c->o->hide_status, m->status)) {
		m->suppressed = CUSTOMS_SUPPRESS_STATUS;
		m->suppressed_reason = afmt(c, "distro status %s is hidden (--hide-status)", m->status);
	}
	if (!m->suppressed && c->o->only_fixed &&
	    (m->fix_state == CUSTOMS_FIX_NOT_FIXED || m->fix_state == CUSTOMS_FIX_WONT_FIX)) {
		m->suppressed = CUSTOMS_SUPPRESS_ONLY_FIXED;
		m->suppressed_reason = afmt(c, "no fix available (%s) and --only-fixed", customs_fix_state_name(m->fix_state));
	}
	if (m->suppressed && !m->suppressed_reason)
		return oom();
	return 0;
}

/* ---- the driver ---- */

static int cmp_match(const void *x, const void *y)
{
	const customs_match *a = x, *b = y;
	int c;
	if (a->severity != b->severity)
		return (int)b->severity - (int)a->severity;
	if (a->cvss_score != b->cvss_score)
		return a->cvss_score < b->cvss_score ? 1 : -1;
	if ((c = strcmp(a->id, b->id)))
		return c;
	if ((c = strcmp(a->name ? a->name : "", b->name ? b->name : "")))
		return c;
	if ((c = strcmp(a->version ? a->version : "", b->version ? b->version : "")))
		return c;
	if ((c = strcmp(a->location ? a->location : "", b->location ? b->location : "")))
		return c;
	return (a->package_index > b->package_index) - (a->package_index < b->package_index);
}

struct owned_result {
	customs_match_result r;
	customs_arena ar;
	customs_arena *xar;
	size_t nxar;
	customs_match *m;
	const char **warn, **notes;
};

void customs_match_result_free(customs_match_result *r)
{
	struct owned_result *o = (struct owned_result *)r;
	if (!o)
		return;
	free(o->m);
	free(o->warn);
	free(o->notes);
	for (size_t i = 0; i < o->nxar; i++)
		customs_arena_release(&o->xar[i]);
	free(o->xar);
	customs_arena_release(&o->ar);
	free(o);
}

int customs_match_active(const customs_match *m)
{
	return m && m->suppressed == CUSTOMS_SUPPRESS_NONE && !m->covered_by;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What one package looks up, decided before any match is built. */
struct plan {
	size_t pi;
	struct pkgkey k;
	const struct lookup *lks[2];
	const customs_package *owner;
	const struct lookup *owner_lookup;
	const char *owner_ns, *owner_src;
	int owner_data;
};

/* 1 when the database has entries in ns (cached: asked once per namespace) */
static int ns_data(struct ctx *c, const char *ns, int *out)
{
	int found, err;
	void *v = customs_strmap_get(&c->nsdata, ns, &found);
	if (found) {
		*out = v != NULL;
		return 0;
	}
	if ((err = customs_vulndb_has_namespace(c->db, ns, out)) < 0)
		return err;
	const char *k = adup(c, ns);
	return k && customs_strmap_put(&c->nsdata, k, *out ? (void *)1 : NULL) == 0 ? 0 : oom();
}

/* Phase 1 for one package: its key, its lookups and its owner's.  Returns 1
 * when the package has a plan. */
static int plan_package(struct ctx *c, size_t pi, const char *dns, int distro_data, struct plan *pl)
{
	const customs_package *p = c->a->packages[pi];
	struct pkgkey ok;
	struct lookup *l;
	int err, lang = !is_distro_type(p->type);

	memset(pl, 0, sizeof(*pl));
	pl->pi = pi;
	if (lang ? !lang_key(c, p, &pl->k) : !distro_key(c, p, dns, &pl->k))
		return 0;
	if (!lang && !distro_data && (!dns || !strcmp(pl->k.ns, dns)))
		return 0; /* warned once for the namespace */
	for (size_t i = 0; i < pl->k.nnames; i++) {
		if ((err = get_lookup(c, pl->k.ns, pl->k.names[i], pl->k.version, &l)) < 0)
			return err;
		pl->lks[i] = l;
	}
	pl->owner = lang ? owner_of(c, pi) : NULL;
	if (pl->owner && distro_key(c, pl->owner, dns, &ok)) {
		pl->owner_src = ok.names[0];
		pl->owner_ns = ok.ns;
		if ((err = ns_data(c, ok.ns, &pl->owner_data)) < 0)
			return err;
		if (pl->owner_data) {
			if ((err = get_lookup(c, ok.ns, ok.names[0], ok.version, &l)) < 0)
				return err;
			pl->owner_lookup = l;
		}
	}
	return 1;
}

/* Phase 2: the record of every entry that matched. */
struct prefetch {
	struct ctx *c;
	const struct plan *plans;
	size_t n;
	int err, ran;
};

static int prefetch_all(struct ctx *c, const struct plan *plans, size_t n)
{
	struct vinfo *v;
	int err;
	for (size_t i = 0; i < n; i++)
		for (size_t li = 0; li < plans[i].k.nnames; li++)
			for (size_t k = 0; k < plans[i].lks[li]->nents; k++) {
				const struct ent *e = &plans[i].lks[li]->ents[k];
				if (e->affected && (err = get_vinfo(c, e->rec.id, e->rec.source, &v)) < 0)
					return err;
			}
	return 0;
}

static int prefetch_cb(void *ud, const customs_vuln_affected *a)
{
	struct prefetch *p = ud;
	(void)a;
	p->ran = 1;
	p->err = prefetch_all(p->c, p->plans, p->n);
	return 1; /* stop: one row was all it took */
}

/* The record reads run inside a callback of an entry query: its statement
 * holds SQLite's read transaction open, so the thousands of small reads
 * below do not each take and drop the file lock (which costs more than
 * the reads themselves). */
static int prefetch(struct ctx *c, const struct plan *plans, size_t n)
{
	struct prefetch p = {c, plans, n, 0, 0};
	const char *first = NULL;
	for (size_t i = 0; i < n && !first; i++)
		for (size_t li = 0; li < plans[i].k.nnames && !first; li++)
			for (size_t k = 0; k < plans[i].lks[li]->nents && !first; k++)
				if (plans[i].lks[li]->ents[k].affected)
					first = plans[i].lks[li]->ents[k].rec.id;
	if (!first)
		return 0;
	int err = customs_vulndb_affected_by_id(c->db, first, prefetch_cb, &p);
	if (err < 0)
		return err;
	return p.ran ? p.err : prefetch_all(c, plans, n);
}

/* Phase 3 for one package: its matches.  Returns 1 when it has any. */
static int match_package(struct ctx *c, const struct plan *pl)
{
	const customs_package *p = c->a->packages[pl->pi];
	struct hit *h = NULL;
	size_t nh = 0;
	int err;

	if ((err = collect_hits(&h, &nh, pl->lks, pl->k.kinds, pl->k.nnames)) < 0)
		return err;
	size_t before = c->n;
	err = emit_matches(c, p, pl->pi, h, nh, pl->k.names[0], pl->k.version, pl->owner, pl->owner_lookup, pl->owner_ns,
			   pl->owner_src, pl->owner_data, pl->lks, pl->k.nnames);
	free(h);
	return err < 0 ? err : c->n > before;
}

int customs_match_analysis(customs_match_result **out, customs_vulndb *db, const customs_analysis *a,
			   const customs_match_opts *opts)
{
	static const customs_match_opts defaults = {.version = CUSTOMS_MATCH_OPTS_VERSION};
	struct owned_result *o;
	struct ctx c;
	struct plan *plans = NULL;
	size_t nplans = 0;
	char *dns = NULL;
	int err = 0, distro_data = 0;
	double t0 = now_seconds();

	if (!out || !db || !a)
		return customs__error(CUSTOMS_EINVAL, "match: NULL argument");
	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (opts->version != CUSTOMS_MATCH_OPTS_VERSION)
		return customs__error(CUSTOMS_EINVAL, "match: options version %u, this library has %d", opts->version,
				      CUSTOMS_MATCH_OPTS_VERSION);
	if (!(o = calloc(1, sizeof(*o))))
		return oom();
	memset(&c, 0, sizeof(c));
	c.db = db;
	c.a = a;
	c.o = opts;
	c.ar = &o->ar;
	if (opts->today && valid_date(opts->today)) {
		snprintf(c.today, sizeof(c.today), "%.10s", opts->today);
	} else {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(c.today, sizeof(c.today), "%Y-%m-%d", &tm);
	}

	/* rules that stopped applying are said once, up front */
	for (size_t i = 0; opts->rules && i < opts->rules->nign; i++) {
		const struct ignore_rule *x = &opts->rules->ign[i];
		if (x->expires && strcmp(x->expires, c.today) < 0 &&
		    (err = warn(&c, "ignore %s%s%s expired on %s: no longer applied", x->where, x->id ? " for " : "",
				x->id ? x->id : "", x->expires)) < 0)
			goto done;
	}
	if (opts->cpe_fallback && (err = warn(&c, "--cpe-fallback: CPE matching is not implemented; packages are matched by name only")) < 0)
		goto done;
	if (opts->explain_id) {
		customs_vuln_group *g = NULL;
		int e2 = customs_vulndb_group(db, opts->explain_id, &g);
		if (e2 < 0 && e2 != CUSTOMS_ENOTFOUND) {
			err = e2;
			goto done;
		}
		const char *self = adup(&c, opts->explain_id);
		if (!self || customs_strmap_put(&c.explain, self, (void *)1) < 0) {
			customs_vuln_group_free(g);
			err = oom();
			goto done;
		}
		for (size_t i = 0; g && i < g->n; i++) {
			const char *id = adup(&c, g->refs[i].id);
			if (!id || customs_strmap_put(&c.explain, id, (void *)1) < 0) {
				customs_vuln_group_free(g);
				err = oom();
				goto done;
			}
		}
		customs_vuln_group_free(g);
	}

	dns = customs__distro_namespace(&a->distro);
	o->r.distro_ns = adup(&c, dns);
	int ndistro = 0;
	for (size_t i = 0; i < a->npackages; i++)
		ndistro += a->packages[i]->visible && is_distro_type(a->packages[i]->type);
	if (dns && (err = customs_vulndb_has_namespace(db, dns, &distro_data)) < 0)
		goto done;
	if (ndistro && !distro_data &&
	    (err = warn(&c, "the vulnerability database has no data for %s: its %d distro packages were not checked",
			dns ? dns : "this image's distro (no os-release)", ndistro)) < 0)
		goto done;

	/* distro packages first: the language packages they installed look
	 * their owners' entries up */
	plans = calloc(a->npackages ? a->npackages : 1, sizeof(*plans));
	if (!plans) {
		err = oom();
		goto done;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < a->npackages; i++) {
			const customs_package *p = a->packages[i];
			if (!p->visible || !p->type || is_distro_type(p->type) != (pass == 0))
				continue;
			if (pass == 0 || lang_ns(p->type))
				o->r.packages++;
			if ((err = plan_package(&c, i, dns, distro_data, &plans[nplans])) < 0)
				goto done;
			nplans += (size_t)err;
			err = 0;
		}
	if ((err = fill_pending(&c)) < 0 || (err = prefetch(&c, plans, nplans)) < 0)
		goto done;
	for (size_t i = 0; i < nplans; i++) {
		if ((err = match_package(&c, &plans[i])) < 0)
			goto done;
		o->r.packages_matched += (size_t)err;
		err = 0;
	}
	for (size_t i = 0; i < c.n; i++)
		if ((err = apply_rules(&c, &c.m[i])) < 0)
			goto done;
	if (c.n)
		qsort(c.m, c.n, sizeof(*c.m), cmp_match);

done:
	free(plans);
	free(dns);
	free(c.ents);
	free(c.pending);
	o->xar = c.xar;
	o->nxar = c.nxar;
	customs_strmap_release(&c.nsdata);
	customs_strmap_release(&c.lookups);
	customs_strmap_release(&c.vinfos);
	free(c.owners);
	customs_strmap_release(&c.explain);
	customs_strmap_release(&c.warned);
	o->m = c.m;
	o->warn = c.warn;
	o->notes = c.notes;
	o->r.matches = c.m;
	o->r.n = c.n;
	o->r.warnings = c.warn;
	o->r.nwarnings = c.nwarn;
	o->r.notes = c.notes;
	o->r.nnotes = c.nnotes;
	o->r.seconds = now_seconds() - t0;
	if (err < 0) {
		customs_match_result_free(&o->r);
		return err;
	}
	*out = &o->r;
	return 0;
}

/* ====================================================================== */
/* JSON                                                                    */
/* ====================================================================== */

static json_t *js(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *jlist(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *jscore(double d) { return d >= 0 ? json_real(d) : json_null(); }

json_t *customs_match_to_json(const customs_match *m, const customs_analysis *a)
{
	json_t *o = json_object(), *pk = json_object(), *recs = json_array(), *sev = json_object(), *fix = json_object();
	if (!m || !o)
		return o;
	json_object_set_new(o, "id", js(m->id));
	json_object_set_new(o, "ids", jlist(m->ids, m->nids));
	json_object_set_new(o, "summary", js(m->summary));

	json_object_set_new(pk, "index", json_integer((json_int_t)m->package_index));
	json_object_set_new(pk, "name", js(m->name));
	json_object_set_new(pk, "version", js(m->version));
	json_object_set_new(pk, "type", js(m->type));
	json_object_set_new(pk, "purl", js(m->purl));
	json_object_set_new(pk, "location", js(m->location));
	json_object_set_new(pk, "layer", m->layer >= 0 ? json_integer(m->layer) : json_null());
	json_object_set_new(pk, "layer_digest",
			    a && m->layer >= 0 && (size_t)m->layer < a->nlayers ? js(a->layers[m->layer].digest) : json_null());
	json_object_set_new(pk, "source_name", js(m->package ? m->package->source_name : NULL));
	json_object_set_new(pk, "source_version", js(m->package ? m->package->source_version : NULL));
	json_object_set_new(o, "package", pk);
	json_object_set_new(o, "installed_version", js(m->version));
	json_object_set_new(o, "compared_version", js(m->installed));

	json_object_set_new(fix, "state", json_string(customs_fix_state_name(m->fix_state)));
	json_object_set_new(fix, "versions", jlist(m->fixed, m->nfixed));
	json_object_set_new(o, "fix", fix);

	json_object_set_new(sev, "bucket", json_string(customs_severity_name(m->severity)));
	json_object_set_new(sev, "source", js(m->severity_source));
	json_object_set_new(sev, "label", js(m->severity_label));
	json_object_set_new(sev, "cvss_score", jscore(m->cvss_score));
	json_object_set_new(sev, "cvss_vector", js(m->cvss_vector));
	json_object_set_new(sev, "cvss_from", js(m->cvss_from));
	json_object_set_new(o, "severity", sev);
	if (m->epss >= 0) {
		json_t *e = json_object();
		json_object_set_new(e, "score", json_real(m->epss));
		json_object_set_new(e, "percentile", jscore(m->epss_percentile));
		json_object_set_new(e, "date", js(m->epss_date));
		json_object_set_new(o, "epss", e);
	} else {
		json_object_set_new(o, "epss", json_null());
	}
	json_object_set_new(o, "kev", json_boolean(m->kev));
	json_object_set_new(o, "kev_date_added", js(m->kev_date_added));

	json_object_set_new(o, "namespace", js(m->ns));
	json_object_set_new(o, "source", js(m->source));
	json_object_set_new(o, "ecosystem", js(m->ecosystem));
	json_object_set_new(o, "match_type", json_string(customs_match_kind_name(m->kind)));
	json_object_set_new(o, "lookup_name", js(m->lookup_name));
	json_object_set_new(o, "range", js(m->range));
	json_object_set_new(o, "comparison", js(m->comparison));
	json_object_set_new(o, "distro_status", js(m->status));
	json_object_set_new(o, "distro_urgency", js(m->urgency));
	for (size_t i = 0; i < m->nrecords; i++) {
		const customs_match_record *r = &m->records[i];
		json_t *x = json_object();
		json_object_set_new(x, "id", js(r->id));
		json_object_set_new(x, "source", js(r->source));
		json_object_set_new(x, "namespace", js(r->ns));
		json_object_set_new(x, "ecosystem", js(r->ecosystem));
		json_object_set_new(x, "package", js(r->package));
		json_object_set_new(x, "range", js(r->range));
		json_object_set_new(x, "comparison", js(r->comparison));
		json_object_set_new(x, "fix_state", json_string(customs_fix_state_name(r->fix_state)));
		json_object_set_new(x, "fixed_versions", jlist(r->fixed, r->nfixed));
		json_object_set_new(x, "status", js(r->status));
		json_object_set_new(x, "urgency", js(r->urgency));
		json_array_append_new(recs, x);
	}
	json_object_set_new(o, "records", recs);
	if (m->covered_by) {
		const customs_match_cover *cv = m->covered_by;
		json_t *x = json_object();
		json_object_set_new(x, "package", js(cv->package));
		json_object_set_new(x, "version", js(cv->version));
		json_object_set_new(x, "source_package", js(cv->source));
		json_object_set_new(x, "namespace", js(cv->ns));
		json_object_set_new(x, "state", js(cv->state));
		json_object_set_new(x, "id", js(cv->vuln_id));
		json_object_set_new(x, "fix_state", cv->vuln_id ? json_string(customs_fix_state_name(cv->fix_state)) : json_null());
		json_object_set_new(x, "fixed_version", js(cv->fixed));
		json_object_set_new(x, "status", js(cv->status));
		json_object_set_new(x, "urgency", js(cv->urgency));
		json_object_set_new(x, "comparison", js(cv->comparison));
		json_object_set_new(o, "covered_by", x);
	} else {
		json_object_set_new(o, "covered_by", json_null());
	}
	if (m->suppressed) {
		json_t *x = json_object();
		json_object_set_new(x, "kind", json_string(customs_suppress_kind_name(m->suppressed)));
		json_object_set_new(x, "reason", js(m->suppressed_reason));
		json_object_set_new(o, "suppressed_by", x);
	} else {
		json_object_set_new(o, "suppressed_by", json_null());
	}
	if (m->vex_status) {
		json_t *x = json_object();
		json_object_set_new(x, "status", json_string(m->vex_status));
		json_object_set_new(x, "justification", js(m->vex_justification));
		json_object_set_new(o, "vex", x);
	} else {
		json_object_set_new(o, "vex", json_null());
	}
	return o;
}
