/* feed_osv.c - OSV records (ossf/osv-schema docs/schema.md, schema 1.x) into
 * the vulnerability database: one record's text, aliases and affected
 * packages.  Semantics: FORMATS-packages.md §9 (withdrawn records skipped,
 * GIT ranges not stored, Debian's package-less entries skipped, Alpine's
 * {introduced 0, fixed 0} = a not-affected marker). */
#include <string.h>

#include "util/util.h"
#include "vuln/vulndb.h"

static const char *const event_kinds[] = {"introduced", "fixed", "last_affected", "limit"};

#define MAX_JSON_OUT (16u << 20) /* one entry's ranges or versions, re-serialised */

/* The scheme that checks versions of a range of type `type` in an
 * ecosystem whose own scheme is `scheme`. */
static const customs_version_scheme *range_scheme(const char *type, const char *scheme)
{
	if (!strcmp(type, "SEMVER") && strcmp(scheme, "go") && strcmp(scheme, "cargo"))
		scheme = "semver";
	return customs_version_scheme_find(scheme);
}

/* Red Hat style "Important: firefox security update" → "Important". */
static const char *summary_severity(const char *summary)
{
	static const char *const labels[] = {"Critical", "Important", "Moderate", "Low"};
	for (size_t i = 0; summary && i < sizeof(labels) / sizeof(labels[0]); i++) {
		size_t n = strlen(labels[i]);
		if (!strncmp(summary, labels[i], n) && summary[n] == ':')
			return labels[i];
	}
	return NULL;
}

/* First CVSS_V3 / CVSS_V4 vectors and an "Ubuntu"-style label of a
 * severity[] array. */
static void scan_severity(const vj_value *arr, const char **v3, const char **v4, const char **label)
{
	for (size_t i = 0; i < vj_len(arr); i++) {
		const vj_value *s = vj_at(arr, i);
		const char *type = vj_getstr(s, "type"), *score = vj_getstr(s, "score");
		if (!type || !score)
			continue;
		if (!strcmp(type, "CVSS_V3") && !*v3 && !strncmp(score, "CVSS:3.", 7))
			*v3 = score;
		else if (!strcmp(type, "CVSS_V4") && !*v4 && !strncmp(score, "CVSS:4.", 7))
			*v4 = score;
		else if (label && !*label && strcmp(type, "CVSS_V2") && strncmp(score, "CVSS:", 5) && strlen(score) < 32)
			*label = score;
	}
}

static int links(vulndb__writer *w, const char *id, const vj_value *arr, enum vulndb__link_kind kind)
{
	int err;
	for (size_t i = 0; i < vj_len(arr); i++) {
		const char *o = vj_str(vj_at(arr, i));
		if (vulndb__valid_id(o) && (err = vulndb__put_link(w, id, o, kind)) < 0)
			return err;
	}
	return 0;
}

/* What one affected[] entry is becoming while it is read. */
struct entry {
	vulndb__writer *w;
	vulndb__stats *st;
	const char *id, *eco, *scheme; /* scheme: the ecosystem's version scheme */
	size_t idx;
	char ns[64], name[VULNDB__MAX_NAME + 1];
	int git, nranges_in, nkept, nver, has_fixed, notaff, open_range;
};

/* The events of one range into rb: 1 when they make a range, 0 when the
 * range is to be skipped (warned), <0 for an error. */
static int range_events(struct entry *e, const char *type, const vj_value *events, customs_buf *rb, int *lfixed,
			int *llast)
{
	const customs_version_scheme *rs = range_scheme(type, e->scheme);
	int err, nintro0 = 0, nfix0 = 0, nother = 0;

	for (size_t j = 0; j < vj_len(events); j++) {
		const vj_value *ev = vj_at(events, j);
		const char *kind = NULL, *ver = NULL;
		int nk = 0;
		for (size_t k = 0; k < vj_nmembers(ev); k++)
			for (int t = 0; t < 4; t++)
				if (!strcmp(vj_key_at(ev, k), event_kinds[t])) {
					nk++;
					kind = event_kinds[t];
					ver = vj_str(vj_value_at(ev, k));
				}
		if (nk != 1 || !ver || !*ver) {
			e->st->malformed++;
			vulndb__warn(e->w, VULNDB__W_RANGE, e->id,
				     "affected[%zu] %s: event %zu needs exactly one of introduced, fixed, last_affected, "
				     "limit with a version; range skipped",
				     e->idx, e->name, j);
			return 0;
		}
		int intro0 = kind == event_kinds[0] && !strcmp(ver, "0");
		int fix0 = kind == event_kinds[1] && !strcmp(ver, "0"); /* Alpine's converted secdb "0" */
		int star = kind == event_kinds[3] && !strcmp(ver, "*");
		if (!intro0 && !fix0 && !star && customs_version_valid(rs, ver) < 0) {
			e->st->bad_versions++;
			vulndb__warn(e->w, VULNDB__W_VERSION, e->id, "affected[%zu] %s: %s \"%.64s\": %s; range skipped",
				     e->idx, e->name, kind, ver, customs_error_last());
			return 0;
		}
		nintro0 += intro0;
		nfix0 += fix0;
		nother += !intro0 && !fix0;
		*lfixed |= kind == event_kinds[1];
		*llast |= kind == event_kinds[2];
		if ((err = customs_buf_printf(rb, "%s{\"%s\":", j ? "," : "", kind)) < 0 ||
		    (err = vj_put_string(rb, ver)) < 0 || (err = customs_buf_puts(rb, "}")) < 0)
			return err;
	}
	if (nintro0 && nfix0 && !nother) {
		e->notaff = 1; /* {introduced 0},{fixed 0}: affects nothing */
		return 0;
	}
	return 1;
}

/* The usable ranges of the entry into rb, a compact JSON array. */
static int entry_ranges(struct entry *e, const vj_value *ranges, customs_buf *rb)
{
	int err;

	if (ranges && ranges->type != VJ_ARRAY) {
		e->st->malformed++;
		vulndb__warn(e->w, VULNDB__W_RANGE, e->id, "affected[%zu]: \"ranges\" is not an array; ignored", e->idx);
		ranges = NULL;
	}
	if ((err = customs_buf_puts(rb, "[")) < 0)
		return err;
	for (size_t i = 0; i < vj_len(ranges); i++) {
		const vj_value *r = vj_at(ranges, i), *events = vj_get(r, "events");
		const char *type = vj_getstr(r, "type");
		int lfixed = 0, llast = 0;
		size_t mark = rb->len;

		e->nranges_in++;
		if (type && !strcmp(type, "GIT")) {
			e->st->git_ranges++;
			e->git++;
			continue;
		}
		if (!type || (strcmp(type, "ECOSYSTEM") && strcmp(type, "SEMVER"))) {
			e->st->malformed++;
			vulndb__warn(e->w, VULNDB__W_RANGE, e->id,
				     "affected[%zu] %s: range type \"%.32s\" is not supported; range skipped", e->idx, e->name,
				     type ? type : "(none)");
			continue;
		}
		if (!vj_len(events)) {
			e->st->malformed++;
			vulndb__warn(e->w, VULNDB__W_RANGE, e->id, "affected[%zu] %s: %s range without events; range skipped",
				     e->idx, e->name, type);
			continue;
		}
		if ((err = customs_buf_puts(rb, e->nkept ? ",{\"type\":" : "{\"type\":")) < 0 ||
		    (err = vj_put_string(rb, type)) < 0 || (err = customs_buf_puts(rb, ",\"events\":[")) < 0 ||
		    (err = range_events(e, type, events, rb, &lfixed, &llast)) < 0)
			return err;
		if (!err) {
			rb->len = mark;
			continue;
		}
		if ((err = customs_buf_puts(rb, "]}")) < 0)
			return err;
		e->nkept++;
		e->has_fixed |= lfixed;
		e->open_range |= !lfixed && !llast;
	}
	return customs_buf_puts(rb, "]");
}

/* The versions[] of the entry the scheme reads into vb, a compact JSON
 * array; the others are counted and the first named. */
static int entry_versions(struct entry *e, const vj_value *versions, customs_buf *vb)
{
	const customs_version_scheme *scheme = customs_version_scheme_find(e->scheme);
	const char *first_bad = NULL;
	char why[256] = "";
	size_t bad = 0;
	int err;

	if (versions && versions->type != VJ_ARRAY) {
		e->st->malformed++;
		vulndb__warn(e->w, VULNDB__W_MALFORMED, e->id, "affected[%zu] %s: \"versions\" is not an array; ignored",
			     e->idx, e->name);
		return 0;
	}
	if (!vj_len(versions))
		return 0;
	if ((err = customs_buf_puts(vb, "[")) < 0)
		return err;
	for (size_t i = 0; i < vj_len(versions); i++) {
		const char *v = vj_str(vj_at(versions, i));
		if (!v || customs_version_valid(scheme, v) < 0) {
			if (!bad++) {
				first_bad = v;
				snprintf(why, sizeof(why), "%s", v ? customs_error_last() : "not a string");
			}
			continue;
		}
		if ((e->nver++ && (err = customs_buf_puts(vb, ",")) < 0) || (err = vj_put_string(vb, v)) < 0)
			return err;
	}
	if ((err = customs_buf_puts(vb, "]")) < 0)
		return err;
	if (bad) {
		e->st->bad_versions += (int64_t)bad;
		vulndb__warn(e->w, VULNDB__W_VERSION, e->id, "affected[%zu] %s: %zu of %zu versions dropped, first \"%.64s\": %s",
			     e->idx, e->name, bad, vj_len(versions), first_bad ? first_bad : "?", why);
	}
	return 0;
}

/* The row of the entry: its fix state, status, urgency and severity. */
static int entry_row(struct entry *e, const vj_value *a, customs_buf *rb, customs_buf *vb)
{
	const vj_value *es = vj_get(a, "ecosystem_specific"), *ds = vj_get(a, "database_specific");
	vulndb__affected row;

	memset(&row, 0, sizeof(row));
	row.vuln_id = e->id;
	row.ns = e->ns;
	row.package = e->name;
	row.ecosystem = e->eco;
	row.ranges = e->nkept ? rb->ptr : NULL;
	row.versions = e->nver ? vb->ptr : NULL;
	if (!e->nkept && !e->nver)
		row.fix_state = CUSTOMS_FIX_NOT_AFFECTED;
	else if (!e->nkept)
		row.fix_state = CUSTOMS_FIX_UNKNOWN; /* versions only */
	else if (e->open_range)
		row.fix_state = CUSTOMS_FIX_NOT_FIXED;
	else if (e->has_fixed)
		row.fix_state = CUSTOMS_FIX_FIXED;
	else
		row.fix_state = CUSTOMS_FIX_UNKNOWN; /* last_affected only */

	row.urgency = vj_getstr(es, "urgency");
	if (!row.urgency)
		row.urgency = vj_getstr(ds, "urgency");
	if (row.urgency && (!strcmp(row.urgency, "unimportant") || !strcmp(row.urgency, "end-of-life")))
		row.status = row.urgency;
	if (row.urgency && !strcmp(row.urgency, "end-of-life") && row.fix_state == CUSTOMS_FIX_NOT_FIXED)
		row.fix_state = CUSTOMS_FIX_WONT_FIX;
	row.severity = vj_getstr(es, "severity");
	if (!row.severity) /* Ubuntu's per-release priority: negligible ... critical */
		row.severity = vj_getstr(es, "ubuntu_priority");
	if (!row.severity)
		row.severity = vj_getstr(ds, "severity");
	if (!row.severity) {
		const char *v3 = NULL, *v4 = NULL, *label = NULL;
		scan_severity(vj_get(a, "severity"), &v3, &v4, &label);
		row.severity = label ? label : v3 ? v3 : v4;
	}
	if (!row.severity)
		row.severity = vj_getstr(ds, "cvss"); /* RustSec */
	return vulndb__put_affected(e->w, &row);
}

/* One affected[] entry. */
static int affected_entry(vulndb__writer *w, vulndb__stats *st, const char *id, size_t idx, const vj_value *a,
			  customs_buf *rb, customs_buf *vb)
{
	const vj_value *pkg = vj_get(a, "package");
	struct entry e;
	const char *pname;
	int err;

	memset(&e, 0, sizeof(e));
	e.w = w;
	e.st = st;
	e.id = id;
	e.idx = idx;
	rb->len = 0;
	vb->len = 0;
	if (!a || a->type != VJ_OBJECT) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, id, "affected[%zu] is not an object; skipped", idx);
		return 0;
	}
	if (!pkg || (pkg->type == VJ_OBJECT && pkg->n == 0)) {
		st->empty_package++;
		return 0;
	}
	e.eco = vj_getstr(pkg, "ecosystem");
	pname = vj_getstr(pkg, "name");
	if (!e.eco || !pname) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, id, "affected[%zu]: package without ecosystem or name; skipped", idx);
		return 0;
	}
	if (vulndb__namespace(e.ns, sizeof(e.ns), &e.scheme, e.eco) < 0) {
		st->unknown_ecosystem++;
		vulndb__warn(w, VULNDB__W_ECOSYSTEM, id, "affected[%zu]: %s; skipped", idx, customs_error_last());
		return 0;
	}
	if (vulndb__normalize(e.name, sizeof(e.name), e.ns, pname) < 0) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, id, "affected[%zu]: %s; skipped", idx, customs_error_last());
		return 0;
	}
	if (!customs_version_scheme_find(e.scheme))
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no version scheme %s", e.scheme);
	if ((err = entry_ranges(&e, vj_get(a, "ranges"), rb)) < 0 ||
	    (err = entry_versions(&e, vj_get(a, "versions"), vb)) < 0)
		return err == CUSTOMS_ELIMIT ? customs__error(CUSTOMS_ELIMIT, "%s: affected[%zu] larger than %u bytes", id,
							       idx, MAX_JSON_OUT)
					     : err;
	if (!e.nkept && !e.nver && !e.notaff) {
		if (!e.git || e.nranges_in > e.git) {
			st->malformed++;
			vulndb__warn(w, VULNDB__W_MALFORMED, id, "affected[%zu] %s (%s): no usable ranges or versions; skipped",
				     idx, e.name, e.eco);
		}
		return 0;
	}
	return entry_row(&e, a, rb, vb);
}

int feed__osv_record(vulndb__writer *w, const vj_value *rec)
{
	vulndb__stats *st = vulndb__writer_stats(w);
	const char *id = vj_getstr(rec, "id");
	const vj_value *affected, *ds, *wd;
	customs_buf cwes = CUSTOMS_BUF_INIT(4096);
	customs_buf rb = CUSTOMS_BUF_INIT(MAX_JSON_OUT), vb = CUSTOMS_BUF_INIT(MAX_JSON_OUT);
	vulndb__vuln v;
	int err = 0;

	if (!st)
		return customs__error(CUSTOMS_EINTERNAL, "vulndb: no current source");
	if (!rec || rec->type != VJ_OBJECT) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, NULL, "an OSV record must be a JSON object; skipped");
		return 0;
	}
	if (!vulndb__valid_id(id)) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, NULL, "OSV record without a valid \"id\"; skipped");
		return 0;
	}
	if ((wd = vj_get(rec, "withdrawn")) && wd->type != VJ_NULL) {
		st->withdrawn++;
		return 0;
	}
	memset(&v, 0, sizeof(v));
	v.id = id;
	v.summary = vj_getstr(rec, "summary");
	v.details = vj_getstr(rec, "details");
	v.published = vj_getstr(rec, "published");
	v.modified = vj_getstr(rec, "modified");
	v.cvss3_score = v.cvss4_score = -1;
	vulndb__newest(w, v.modified);
	vulndb__newest(w, v.published);

	ds = vj_get(rec, "database_specific");
	scan_severity(vj_get(rec, "severity"), &v.cvss3_vector, &v.cvss4_vector, &v.severity);
	if (vj_getstr(ds, "severity"))
		v.severity = vj_getstr(ds, "severity");
	if (!v.severity)
		v.severity = summary_severity(v.summary);
	affected = vj_get(rec, "affected");
	/* per-package severity (exclusive with the top level in OSV): the first */
	for (size_t i = 0; i < vj_len(affected); i++) {
		const vj_value *x = vj_at(affected, i);
		if (!v.cvss3_vector && !v.cvss4_vector)
			scan_severity(vj_get(x, "severity"), &v.cvss3_vector, &v.cvss4_vector, NULL);
		const char *c = vj_getstr(vj_get(x, "database_specific"), "cvss");
		if (!v.cvss3_vector && c && !strncmp(c, "CVSS:3.", 7))
			v.cvss3_vector = c;
	}
	if (v.cvss3_vector)
		v.cvss3_score = vulndb__cvss3_score(v.cvss3_vector);
	const vj_value *cw = vj_get(ds, "cwe_ids");
	for (size_t i = 0; i < vj_len(cw); i++) {
		const char *c = vj_str(vj_at(cw, i));
		if (!c || strchr(c, ','))
			continue;
		if ((cwes.len && customs_buf_puts(&cwes, ",") < 0) || customs_buf_puts(&cwes, c) < 0)
			break; /* a CWE list past the cap is cut */
	}
	v.cwes = cwes.len ? cwes.ptr : NULL;
	v.nrefs = (int)vj_len(vj_get(rec, "references"));

	int dup = vulndb__put_vuln(w, &v);
	customs_buf_release(&cwes);
	if (dup != 0)
		return dup < 0 ? dup : 0;
	if ((err = links(w, id, vj_get(rec, "aliases"), VULNDB__ALIAS)) < 0 ||
	    (err = links(w, id, vj_get(rec, "related"), VULNDB__RELATED)) < 0 ||
	    (err = links(w, id, vj_get(rec, "upstream"), VULNDB__UPSTREAM)) < 0)
		return err;

	if (!vj_len(affected)) {
		st->malformed++;
		vulndb__warn(w, VULNDB__W_MALFORMED, id, "no \"affected\" packages; the record is kept for its aliases only");
		return 0;
	}
	for (size_t i = 0; i < vj_len(affected); i++)
		if ((err = affected_entry(w, st, id, i, vj_at(affected, i), &rb, &vb)) < 0)
			break;
	customs_buf_release(&rb);
	customs_buf_release(&vb);
	return err;
}

/* The "id" of a document that does not parse, to name it in the warning:
 * the first "id": "..." of plain printable ASCII, or NULL. */
static const char *guess_id(char *out, size_t cap, const char *buf, size_t len)
{
	for (const char *p = buf; (p = memmem(p, len - (size_t)(p - buf), "\"id\"", 4)); p += 4) {
		const char *q = p + 4, *end = buf + len;
		while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		if (q >= end || *q++ != ':')
			continue;
		while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
			q++;
		if (q >= end || *q++ != '"')
			continue;
		size_t n = 0;
		while (q + n < end && q[n] != '"' && (unsigned char)q[n] > 0x20 && (unsigned char)q[n] < 0x7f && q[n] != '\\')
			n++;
		if (q + n >= end || q[n] != '"' || !n || n >= cap)
			continue;
		memcpy(out, q, n);
		out[n] = '\0';
		return out;
	}
	return NULL;
}

int feed__osv_document(vulndb__writer *w, vj_doc *doc, const char *buf, size_t len)
{
	vulndb__stats *st = vulndb__writer_stats(w);
	vj_doc local;
	const vj_value *root;
	int err;

	memset(&local, 0, sizeof(local));
	if (!doc)
		doc = &local;
	if ((err = vj_parse(doc, buf, len, &root)) < 0) {
		if (err == CUSTOMS_EFORMAT) {
			char id[VULNDB__MAX_ID + 1];
			if (st)
				st->malformed++;
			vulndb__warn(w, VULNDB__W_MALFORMED, guess_id(id, sizeof(id), buf, len), "not valid JSON: %s; skipped",
				     customs_error_last());
			err = 0;
		}
	} else if (root->type == VJ_ARRAY) {
		for (size_t i = 0; i < vj_len(root) && err >= 0; i++)
			err = feed__osv_record(w, vj_at(root, i));
	} else {
		err = feed__osv_record(w, root);
	}
	vj_release(&local);
	return err;
}
