/* sarif.c - a scan's matches as SARIF 2.1.0, in the subset GitHub code
 * scanning reads ("SARIF support for code scanning").
 *
 * One run; one rule per vulnerability (the match's primary id), sorted by
 * id; one result per match, active or not.  Matches that do not count
 * (suppressed, covered by their distro package) carry an accepted external
 * suppression, which code scanning shows as a dismissed alert.
 *
 * An image is not a source tree: a result's location is the file in the
 * image the package was found in ("var/lib/dpkg/status"), relative, on
 * line 1, and the package itself is the logical location.  GitHub cannot
 * hash source lines it does not have, so the fingerprints are ours, from
 * the vulnerability id, the package's purl and that path: the same finding
 * keeps its alert across scans of rebuilt images.
 *
 * Nothing here depends on the clock or on the order threads finished in;
 * the matches arrive sorted (severity, id, package). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "customs/customs.h"
#include "report/report.h"

#define SARIF_SCHEMA_URI "https://json.schemastore.org/sarif-2.1.0.json"

/* GitHub's limits on rule texts; longer ones are cut at a character. */
#define MAX_NAME 255
#define MAX_DESCRIPTION 1024
/* rows of a rule's help table; the results list every package anyway */
#define MAX_HELP_ROWS 100

/* ---- JSON helpers: every failed allocation sets *oom, checked once ---- */

static void put(json_t *o, const char *key, json_t *v, int *oom)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		*oom = 1;
}

static void push(json_t *arr, json_t *v, int *oom)
{
	if (!v || json_array_append_new(arr, v) < 0)
		*oom = 1;
}

/* Append at most max bytes of s, whole characters only, each byte that is
 * not well-formed UTF-8 as U+FFFD; "…" when s was cut.  Image contents and
 * feed texts are not ours: jansson refuses strings that are not UTF-8. */
static void put_text(customs_buf *b, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, used = 0;

	while (i < n) {
		size_t k = customs_utf8_len(u + i, n - i);
		size_t w = k ? k : 3;
		if (used + w > max) {
			customs_buf_puts(b, "\xe2\x80\xa6");
			return;
		}
		if (k)
			customs_buf_put(b, u + i, k);
		else
			customs_buf_puts(b, "\xef\xbf\xbd");
		used += w;
		i += k ? k : 1;
	}
}

/* A JSON string of s, made valid UTF-8 when it is not. */
static json_t *jstr(const char *s)
{
	json_t *j;
	customs_buf b = CUSTOMS_BUF_INIT(0);

	if (!s)
		s = "";
	if ((j = json_string(s)))
		return j;
	put_text(&b, s, (size_t)-1 / 2);
	j = b.ptr ? json_stringn(b.ptr, b.len) : NULL;
	customs_buf_release(&b);
	return j;
}

/* The buffer as a JSON string; an allocation that failed on the way leaves
 * a NULL pointer, which put() reports. */
static json_t *jbuf(customs_buf *b)
{
	json_t *j = b->ptr ? json_stringn(b->ptr, b->len) : NULL;
	customs_buf_release(b);
	return j;
}

static json_t *jlist(const char *const *v, size_t n, int *oom)
{
	json_t *a = json_array();
	if (!a)
		*oom = 1;
	for (size_t i = 0; a && i < n; i++)
		push(a, jstr(v[i]), oom);
	return a;
}

/* ---- severity ---- */

/* critical/high are errors, medium a warning, the rest notes */
static const char *level_of(customs_severity s)
{
	switch (s) {
	case CUSTOMS_SEVERITY_CRITICAL:
	case CUSTOMS_SEVERITY_HIGH:
		return "error";
	case CUSTOMS_SEVERITY_MEDIUM:
		return "warning";
	default:
		return "note";
	}
}

/* GitHub's security-severity: the CVSS score when it is what decided the
 * bucket, else a score inside the bucket (GitHub maps >= 9.0 critical,
 * >= 7.0 high, >= 4.0 medium, > 0 low).  Negligible and unknown get "0.0",
 * which GitHub reads as "no security severity": it has no lower bucket,
 * and a made-up "low" would overstate them.  Formatted without printf's
 * locale. */
static void security_severity(char out[16], const customs_match *m)
{
	long tenths;

	if (m->cvss_score >= 0 && m->cvss_score <= 10 && customs_severity_from_cvss(m->cvss_score) == m->severity) {
		tenths = lround(m->cvss_score * 10);
	} else {
		switch (m->severity) {
		case CUSTOMS_SEVERITY_CRITICAL:
			tenths = 95;
			break;
		case CUSTOMS_SEVERITY_HIGH:
			tenths = 80;
			break;
		case CUSTOMS_SEVERITY_MEDIUM:
			tenths = 55;
			break;
		case CUSTOMS_SEVERITY_LOW:
			tenths = 20;
			break;
		default:
			tenths = 0;
			break;
		}
	}
	if (tenths < 0 || tenths > 100)
		tenths = 0;
	snprintf(out, 16, "%d.%d", (int)tenths / 10, (int)tenths % 10);
}

/* Which of two matches of one rule speaks for it: the higher bucket, then
 * the higher score. */
static int more_severe(const customs_match *a, const customs_match *b)
{
	if (a->severity != b->severity)
		return a->severity > b->severity;
	return a->cvss_score > b->cvss_score;
}

/* ---- URIs ---- */

/* A path as URI characters: every byte outside the unreserved set, "/"
 * and the sub-delimiters percent-encoded, ":" too unless colon_ok (in a
 * relative reference "a:b/c" would read as a scheme). */
static void put_uri_path(customs_buf *b, const char *path, int colon_ok)
{
	static const char keep[] = "-._~/!$&'()*+,;=@";

	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr(keep, *s) ||
		    (*s == ':' && colon_ok))
			customs_buf_put(b, s, 1);
		else
			customs_buf_printf(b, "%%%02X", *s);
	}
}

/* Where an advisory is published: NVD for CVEs, GitHub for GHSAs, OSV
 * (which mirrors every feed customs reads) for the rest. */
static void put_advisory_uri(customs_buf *b, const char *id)
{
	if (!strncmp(id, "CVE-", 4))
		customs_buf_puts(b, "https://nvd.nist.gov/vuln/detail/");
	else if (!strncmp(id, "GHSA-", 5))
		customs_buf_puts(b, "https://github.com/advisories/");
	else
		customs_buf_puts(b, "https://osv.dev/vulnerability/");
	put_uri_path(b, id, 1); /* "ALSA-2025:10073" */
}

/* ---- what a match says ---- */

static const char *or_unknown(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

static const char *match_id(const customs_match *m)
{
	return or_unknown(m->id, "UNKNOWN");
}

/* The file in the image the package came from, relative to the image's
 * root: the match's location, the package's database, else the image
 * itself. */
static const char *match_path(const sbom_doc *d, const customs_match *m)
{
	const sbom_pkg *sp = report__match_pkg(d, m);
	const char *path = NULL;

	if (m->location && *m->location)
		path = m->location;
	else if (sp && sp->p->db_path && *sp->p->db_path)
		path = sp->p->db_path;
	while (path && (*path == '/' || (path[0] == '.' && path[1] == '/')))
		path += *path == '/' ? 1 : 2;
	if (path && *path)
		return path;
	return d->image_name && *d->image_name ? d->image_name : "image";
}

static void put_fixed(customs_buf *b, const customs_match *m, const char *sep)
{
	for (size_t i = 0; i < m->nfixed; i++) {
		if (i)
			customs_buf_puts(b, sep);
		put_text(b, or_unknown(m->fixed[i], "?"), 256);
	}
}

/* "fixed (no-dsa)", "covered by python3-requests: fixed", "suppressed (vex)" */
static void put_state(customs_buf *b, const customs_match *m)
{
	customs_buf_puts(b, customs_fix_state_name(m->fix_state));
	if (m->status) {
		customs_buf_puts(b, " (");
		put_text(b, m->status, 64);
		customs_buf_puts(b, ")");
	}
	if (m->covered_by) {
		customs_buf_puts(b, m->suppressed == CUSTOMS_SUPPRESS_COVERED ? "; covered by " : "; installed by ");
		put_text(b, or_unknown(m->covered_by->package, "?"), 128);
		customs_buf_puts(b, ": ");
		put_text(b, or_unknown(m->covered_by->state, "?"), 32);
	}
	if (m->suppressed && m->suppressed != CUSTOMS_SUPPRESS_COVERED) {
		customs_buf_printf(b, "; suppressed (%s)", customs_suppress_kind_name(m->suppressed));
	}
}

/* Why a match that does not count does not: the text of its suppression. */
static json_t *justification(const customs_match *m)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	const customs_match_cover *cv = m->covered_by;

	if (cv && m->suppressed == CUSTOMS_SUPPRESS_COVERED) {
		customs_buf_puts(&b, "covered by the distro package ");
		put_text(&b, or_unknown(cv->package, "?"), 256);
		if (cv->version) {
			customs_buf_puts(&b, " ");
			put_text(&b, cv->version, 256);
		}
		customs_buf_puts(&b, ", whose feed decides: ");
		put_text(&b, or_unknown(cv->state, "unknown"), 64);
		if (cv->vuln_id) {
			customs_buf_puts(&b, " (");
			put_text(&b, cv->vuln_id, 128);
			customs_buf_puts(&b, ")");
		}
		if (cv->fixed && cv->state && strcmp(cv->state, "affected")) {
			customs_buf_puts(&b, " in ");
			put_text(&b, cv->fixed, 256);
		}
	} else {
		customs_buf_puts(&b, customs_suppress_kind_name(m->suppressed));
		if (m->suppressed_reason) {
			customs_buf_puts(&b, ": ");
			put_text(&b, m->suppressed_reason, 1024);
		}
		if (m->vex_status) {
			customs_buf_puts(&b, "; VEX ");
			put_text(&b, m->vex_status, 64);
			if (m->vex_justification) {
				customs_buf_puts(&b, ": ");
				put_text(&b, m->vex_justification, 256);
			}
		}
	}
	return jbuf(&b);
}

/* ---- rules ---- */

struct rule {
	const char *id;
	size_t first, n;          /* its matches: order[first .. first + n) */
	const customs_match *top; /* the most severe, which sets level and score */
};

/* qsort has no context argument: the key carries what it compares */
struct key {
	const char *id;
	size_t index;             /* into r->matches */
};

struct sarif {
	const sbom_doc *d;
	const customs_match_result *r;
	struct key *order;        /* the matches by id, then as the matcher sorted them */
	size_t *rule_of;          /* per match: its rule's index */
	struct rule *rules;
	size_t nrules;
	char **owned;             /* per match: its id made valid UTF-8, when it was not */
	int oom;
};

static int cmp_key(const void *x, const void *y)
{
	const struct key *a = x, *b = y;
	int c = strcmp(a->id, b->id);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int group_rules(struct sarif *s)
{
	const customs_match_result *r = s->r;
	size_t n = r->n ? r->n : 1;

	if (!(s->order = calloc(n, sizeof(*s->order))) || !(s->rule_of = calloc(n, sizeof(*s->rule_of))) ||
	    !(s->rules = calloc(n, sizeof(*s->rules))) || !(s->owned = calloc(n, sizeof(*s->owned))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	for (size_t i = 0; i < r->n; i++) {
		const char *id = match_id(&r->matches[i]);
		/* two ids that differ only in bytes that are not UTF-8 are one
		 * rule: the log can only spell them the same */
		if (!customs_utf8_valid(id, strlen(id))) {
			customs_buf b = CUSTOMS_BUF_INIT(0);
			put_text(&b, id, (size_t)-1 / 2);
			if (!(id = s->owned[i] = customs_buf_detach(&b)))
				return customs__error(CUSTOMS_ENOMEM, "out of memory");
		}
		s->order[i].id = id;
		s->order[i].index = i;
	}
	qsort(s->order, r->n, sizeof(*s->order), cmp_key);
	for (size_t i = 0; i < r->n; i++) {
		const customs_match *m = &r->matches[s->order[i].index];
		struct rule *ru = s->nrules ? &s->rules[s->nrules - 1] : NULL;
		if (!ru || strcmp(ru->id, s->order[i].id)) {
			ru = &s->rules[s->nrules++];
			ru->id = s->order[i].id;
			ru->first = i;
			ru->top = m;
		}
		ru->n++;
		if (more_severe(m, ru->top))
			ru->top = m;
		s->rule_of[s->order[i].index] = s->nrules - 1;
	}
	return 0;
}

/* s (at most max bytes of it) as Markdown text inside a line (a table cell
 * or after a label, never at a line's start, so "#", "+", "-" are plain):
 * no markup of its own (package names hold "_" and "*", summaries "<"),
 * no link (an unescaped "[" starts one), no entity, no line break, no "|"
 * to split a cell. */
static void put_md(customs_buf *b, const char *s, size_t max)
{
	customs_buf t = CUSTOMS_BUF_INIT(0);

	put_text(&t, s, max);
	for (size_t i = 0; i < t.len; i++) {
		char c = t.ptr[i];
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		else if (strchr("\\`*_[]<>&|~", c))
			customs_buf_put(b, "\\", 1);
		customs_buf_put(b, &c, 1);
	}
	customs_buf_release(&t);
}

/* Every id of the rule's matches (the primary, aliases, folded
 * advisories), sorted, each once.  *out is malloc'ed, the strings borrowed. */
static int rule_ids(const struct sarif *s, const struct rule *ru, const char ***out, size_t *nout)
{
	size_t n = 0, k = 0;
	const char **v;

	for (size_t i = 0; i < ru->n; i++)
		n += s->r->matches[s->order[ru->first + i].index].nids + 1;
	if (!(v = calloc(n, sizeof(*v))))
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	v[k++] = ru->id;
	for (size_t i = 0; i < ru->n; i++) {
		const customs_match *m = &s->r->matches[s->order[ru->first + i].index];
		for (size_t j = 0; j < m->nids; j++)
			if (m->ids[j] && *m->ids[j])
				v[k++] = m->ids[j];
	}
	qsort(v, k, sizeof(*v), cmp_str);
	n = 0;
	for (size_t i = 0; i < k; i++)
		if (!n || strcmp(v[n - 1], v[i]))
			v[n++] = v[i];
	*out = v;
	*nout = n;
	return 0;
}

/* "CVE-2024-1234 in libc-bin, libc6": the affected packages' names,
 * sorted, each once, within GitHub's 1024 characters. */
static json_t *short_description(const struct sarif *s, const struct rule *ru)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	const char **names = calloc(ru->n ? ru->n : 1, sizeof(*names));
	size_t n = 0, shown = 0;

	if (!names)
		return NULL;
	for (size_t i = 0; i < ru->n; i++)
		names[n++] = or_unknown(s->r->matches[s->order[ru->first + i].index].name, "?");
	qsort(names, n, sizeof(*names), cmp_str);
	put_text(&b, ru->id, 256);
	customs_buf_puts(&b, " in ");
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(names[i], names[i - 1]))
			continue;
		if (shown && b.len > MAX_DESCRIPTION - 300)
			break;
		if (shown++)
			customs_buf_puts(&b, ", ");
		put_text(&b, names[i], 200);
	}
	{
		size_t more = 0;
		for (size_t i = 0; i < n; i++)
			more += !i || strcmp(names[i], names[i - 1]);
		if (more > shown)
			customs_buf_printf(&b, " and %zu more", more - shown);
	}
	free(names);
	return jbuf(&b);
}

/* The first summary among the rule's matches, else the id. */
static json_t *full_description(const struct sarif *s, const struct rule *ru)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);
	const char *text = ru->id;

	for (size_t i = 0; i < ru->n; i++) {
		const customs_match *m = &s->r->matches[s->order[ru->first + i].index];
		if (m->summary && *m->summary) {
			text = m->summary;
			break;
		}
	}
	put_text(&b, text, MAX_DESCRIPTION - 3);
	return jbuf(&b);
}

/* help: what the rule found, as text and as a Markdown table (code
 * scanning shows the Markdown): one row per affected package with its
 * version, fixed versions, severity and state, then every advisory id. */
static json_t *help(const struct sarif *s, const struct rule *ru, const char *const *ids, size_t nids)
{
	customs_buf t = CUSTOMS_BUF_INIT(0), md = CUSTOMS_BUF_INIT(0);
	json_t *h = json_object();
	int oom = 0;
	size_t rows = ru->n < MAX_HELP_ROWS ? ru->n : MAX_HELP_ROWS;

	put_text(&t, ru->id, 256);
	customs_buf_puts(&md, "**");
	put_md(&md, ru->id, 256);
	customs_buf_puts(&md, "**");
	{
		const customs_match *m = NULL;
		for (size_t i = 0; i < ru->n && !m; i++) {
			const customs_match *x = &s->r->matches[s->order[ru->first + i].index];
			if (x->summary && *x->summary)
				m = x;
		}
		if (m) {
			customs_buf_puts(&t, ": ");
			put_text(&t, m->summary, 4096);
			customs_buf_puts(&md, ": ");
			put_md(&md, m->summary, 4096);
		}
	}
	customs_buf_puts(&t, "\n\nAffected packages:\n");
	customs_buf_puts(&md, "\n\n| Package | Version | Type | Fixed in | Severity | State | Location |\n"
			      "| --- | --- | --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < rows; i++) {
		const customs_match *m = &s->r->matches[s->order[ru->first + i].index];
		customs_buf st = CUSTOMS_BUF_INIT(0), fx = CUSTOMS_BUF_INIT(0);
		const char *sev = customs_severity_name(m->severity);

		put_state(&st, m);
		put_fixed(&fx, m, ", ");
		customs_buf_puts(&t, "- ");
		put_text(&t, or_unknown(m->name, "?"), 256);
		customs_buf_puts(&t, " ");
		put_text(&t, or_unknown(m->version, "?"), 256);
		customs_buf_puts(&t, " (");
		put_text(&t, or_unknown(m->type, "unknown"), 64);
		customs_buf_puts(&t, ") at ");
		put_text(&t, match_path(s->d, m), 1024);
		customs_buf_printf(&t, ": %s, %s%s, state %s\n", sev, fx.len ? "fixed in " : "no fix", fx.len ? fx.ptr : "",
				   st.len ? st.ptr : "-");

		customs_buf_puts(&md, "| ");
		put_md(&md, or_unknown(m->name, "?"), 256);
		customs_buf_puts(&md, " | ");
		put_md(&md, or_unknown(m->version, "?"), 256);
		customs_buf_puts(&md, " | ");
		put_md(&md, or_unknown(m->type, "unknown"), 64);
		customs_buf_puts(&md, " | ");
		put_md(&md, fx.len ? fx.ptr : "-", 2048);
		customs_buf_printf(&md, " | %s | ", sev);
		put_md(&md, st.len ? st.ptr : "-", 2048);
		customs_buf_puts(&md, " | ");
		put_md(&md, match_path(s->d, m), 1024);
		customs_buf_puts(&md, " |\n");
		customs_buf_release(&st);
		customs_buf_release(&fx);
	}
	if (rows < ru->n) {
		customs_buf_printf(&t, "- and %zu more\n", ru->n - rows);
		customs_buf_printf(&md, "\n%zu more affected packages are listed in the results.\n", ru->n - rows);
	}
	customs_buf_puts(&t, "\nAdvisories: ");
	customs_buf_puts(&md, "\nAdvisories: ");
	for (size_t i = 0; i < nids; i++) {
		customs_buf_puts(&t, i ? ", " : "");
		put_text(&t, ids[i], 256);
		customs_buf_puts(&md, i ? ", [" : "[");
		put_md(&md, ids[i], 256);
		customs_buf_puts(&md, "](");
		put_advisory_uri(&md, ids[i]);
		customs_buf_puts(&md, ")");
	}
	customs_buf_puts(&t, "\n");
	customs_buf_puts(&md, "\n");
	put(h, "text", jbuf(&t), &oom);
	put(h, "markdown", jbuf(&md), &oom);
	if (oom) {
		json_decref(h);
		return NULL;
	}
	return h;
}

static json_t *rule_json(struct sarif *s, const struct rule *ru)
{
	json_t *o = json_object(), *x, *props = json_object(), *tags = json_array();
	customs_buf b = CUSTOMS_BUF_INIT(0);
	const char **ids = NULL;
	size_t nids = 0;
	char score[16];

	if (rule_ids(s, ru, &ids, &nids) < 0) {
		json_decref(o), json_decref(props), json_decref(tags);
		return NULL;
	}
	put(o, "id", jstr(ru->id), &s->oom);
	put_text(&b, ru->id, MAX_NAME - 3);
	put(o, "name", jbuf(&b), &s->oom);
	if ((x = json_object())) {
		put(x, "text", short_description(s, ru), &s->oom);
		put(o, "shortDescription", x, &s->oom);
	}
	if ((x = json_object())) {
		put(x, "text", full_description(s, ru), &s->oom);
		put(o, "fullDescription", x, &s->oom);
	}
	put(o, "help", help(s, ru, ids, nids), &s->oom);
	put_advisory_uri(&b, ru->id);
	put(o, "helpUri", jbuf(&b), &s->oom);
	if ((x = json_object())) {
		put(x, "level", json_string(level_of(ru->top->severity)), &s->oom);
		put(o, "defaultConfiguration", x, &s->oom);
	}
	security_severity(score, ru->top);
	put(props, "security-severity", json_string(score), &s->oom);
	push(tags, json_string("security"), &s->oom);
	push(tags, json_string("vulnerability"), &s->oom);
	push(tags, json_string(customs_severity_name(ru->top->severity)), &s->oom);
	put(props, "tags", tags, &s->oom);
	put(props, "ids", jlist(ids, nids, &s->oom), &s->oom);
	put(o, "properties", props, &s->oom);
	free(ids);
	return o;
}

/* ---- results ---- */

/* "libssl3 3.0.11-1~deb12u2 (deb) is affected by CVE-2024-0727 (medium);
 * fixed in 3.0.13-1~deb12u1", then why it does not count, if it does not */
static json_t *message(const customs_match *m)
{
	customs_buf b = CUSTOMS_BUF_INIT(0);

	put_text(&b, or_unknown(m->name, "?"), 256);
	customs_buf_puts(&b, " ");
	put_text(&b, or_unknown(m->version, "?"), 256);
	customs_buf_puts(&b, " (");
	put_text(&b, or_unknown(m->type, "unknown"), 64);
	customs_buf_puts(&b, ") is affected by ");
	put_text(&b, match_id(m), 256);
	customs_buf_printf(&b, " (%s); ", customs_severity_name(m->severity));
	if (m->nfixed) {
		customs_buf_puts(&b, "fixed in ");
		put_fixed(&b, m, ", ");
	} else if (m->fix_state == CUSTOMS_FIX_WONT_FIX) {
		customs_buf_puts(&b, "no fix available (won't fix)");
	} else {
		customs_buf_puts(&b, "no fix available");
	}
	if (m->covered_by) {
		customs_buf_puts(&b, m->suppressed == CUSTOMS_SUPPRESS_COVERED ? "; covered by " : "; installed by ");
		put_text(&b, or_unknown(m->covered_by->package, "?"), 256);
		if (m->suppressed != CUSTOMS_SUPPRESS_COVERED) {
			customs_buf_puts(&b, ", whose distro feed says ");
			put_text(&b, or_unknown(m->covered_by->state, "?"), 32);
		}
	}
	if (m->suppressed && m->suppressed != CUSTOMS_SUPPRESS_COVERED) {
		customs_buf_printf(&b, "; suppressed (%s)", customs_suppress_kind_name(m->suppressed));
	}
	return jbuf(&b);
}

/* sha256 over the id, the package (its purl, else type/name@version) and
 * the path: stable across scans while the finding stays the same, and
 * distinct for two packages in one file (libc6 and libc-bin in
 * var/lib/dpkg/status). */
static int fingerprint(char hex[65], const customs_match *m, const char *path)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char dg[32];
	unsigned int n = sizeof(dg);
	const char *id = match_id(m);

	if (!md)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, id, strlen(id) + 1);
	if (m->purl && *m->purl) {
		EVP_DigestUpdate(md, m->purl, strlen(m->purl) + 1);
	} else {
		const char *parts[] = {or_unknown(m->type, ""), or_unknown(m->name, ""), or_unknown(m->version, "")};
		for (size_t i = 0; i < 3; i++)
			EVP_DigestUpdate(md, parts[i], strlen(parts[i]) + 1);
	}
	EVP_DigestUpdate(md, path, strlen(path) + 1);
	EVP_DigestFinal_ex(md, dg, &n);
	EVP_MD_CTX_free(md);
	customs_hex(hex, dg, 32);
	return 0;
}

static json_t *location(const customs_match *m, const char *path, int *oom)
{
	json_t *loc = json_object(), *phys = json_object(), *art = json_object(), *reg = json_object(),
	       *logical = json_array(), *ll = json_object();
	customs_buf b = CUSTOMS_BUF_INIT(0);

	put_uri_path(&b, path, 0);
	put(art, "uri", jbuf(&b), oom);
	put(phys, "artifactLocation", art, oom);
	put(reg, "startLine", json_integer(1), oom);
	put(phys, "region", reg, oom);
	put(loc, "physicalLocation", phys, oom);
	put(ll, "name", jstr(m->purl && *m->purl ? m->purl : or_unknown(m->name, "?")), oom);
	put(ll, "kind", json_string("package"), oom);
	push(logical, ll, oom);
	put(loc, "logicalLocations", logical, oom);
	return loc;
}

static json_t *result_props(const struct sarif *s, const customs_match *m, int *oom)
{
	const customs_analysis *a = s->d->a;
	json_t *o = json_object();
	char score[16];

	if (m->purl)
		put(o, "purl", jstr(m->purl), oom);
	put(o, "packageName", jstr(or_unknown(m->name, "?")), oom);
	put(o, "packageType", jstr(or_unknown(m->type, "unknown")), oom);
	put(o, "installedVersion", jstr(or_unknown(m->version, "?")), oom);
	if (m->installed && m->version && strcmp(m->installed, m->version))
		put(o, "comparedVersion", jstr(m->installed), oom);
	put(o, "fixState", json_string(customs_fix_state_name(m->fix_state)), oom);
	put(o, "fixedVersions", jlist(m->fixed, m->nfixed, oom), oom);
	put(o, "ids", jlist(m->ids, m->nids, oom), oom);
	put(o, "severity", json_string(customs_severity_name(m->severity)), oom);
	security_severity(score, m);
	put(o, "security-severity", json_string(score), oom);
	if (m->cvss_score >= 0)
		put(o, "cvssScore", json_real(m->cvss_score), oom);
	if (m->cvss_vector)
		put(o, "cvssVector", jstr(m->cvss_vector), oom);
	if (m->epss >= 0)
		put(o, "epss", json_real(m->epss), oom);
	if (m->kev)
		put(o, "kev", json_true(), oom);
	if (m->status)
		put(o, "distroStatus", jstr(m->status), oom);
	if (m->layer >= 0) {
		put(o, "layer", json_integer(m->layer), oom);
		if (a && (size_t)m->layer < a->nlayers && a->layers[m->layer].digest)
			put(o, "layerDigest", jstr(a->layers[m->layer].digest), oom);
	}
	put(o, "matchType", json_string(customs_match_kind_name(m->kind)), oom);
	if (m->ns)
		put(o, "namespace", jstr(m->ns), oom);
	if (m->source)
		put(o, "feed", jstr(m->source), oom);
	return o;
}

static json_t *result_json(struct sarif *s, size_t i)
{
	const customs_match *m = &s->r->matches[i];
	const char *path = match_path(s->d, m);
	json_t *o = json_object(), *x;
	char hex[65], line_hash[24];

	if (fingerprint(hex, m, path) < 0) {
		json_decref(o);
		return NULL;
	}
	put(o, "ruleId", jstr(s->rules[s->rule_of[i]].id), &s->oom);
	put(o, "ruleIndex", json_integer((json_int_t)s->rule_of[i]), &s->oom);
	put(o, "level", json_string(level_of(m->severity)), &s->oom);
	if ((x = json_object())) {
		put(x, "text", message(m), &s->oom);
		put(o, "message", x, &s->oom);
	} else {
		s->oom = 1;
	}
	if ((x = json_array())) {
		push(x, location(m, path, &s->oom), &s->oom);
		put(o, "locations", x, &s->oom);
	} else {
		s->oom = 1;
	}
	/* code scanning matches alerts across uploads by
	 * primaryLocationLineHash only, and cannot compute one for a file
	 * that is not in the repository: ours, from the same digest */
	snprintf(line_hash, sizeof(line_hash), "%.16s:1", hex);
	if ((x = json_object())) {
		put(x, "customs/v1", json_string(hex), &s->oom);
		put(x, "primaryLocationLineHash", json_string(line_hash), &s->oom);
		put(o, "partialFingerprints", x, &s->oom);
	} else {
		s->oom = 1;
	}
	if (!customs_match_active(m)) {
		json_t *sup = json_object(), *arr = json_array();
		put(sup, "kind", json_string("external"), &s->oom);
		put(sup, "status", json_string("accepted"), &s->oom);
		put(sup, "justification", justification(m), &s->oom);
		push(arr, sup, &s->oom);
		put(o, "suppressions", arr, &s->oom);
	}
	put(o, "properties", result_props(s, m, &s->oom), &s->oom);
	return o;
}

/* ---- the log ---- */

/* "0.1.0", "1.2.3-rc.1+g1234": what semanticVersion may hold */
static int is_semver(const char *v)
{
	int parts = 0;

	if (!v)
		return 0;
	for (;;) {
		if (*v < '0' || *v > '9' || (v[0] == '0' && v[1] >= '0' && v[1] <= '9'))
			return 0;
		while (*v >= '0' && *v <= '9')
			v++;
		if (++parts == 3)
			break;
		if (*v++ != '.')
			return 0;
	}
	if (*v == '-' || *v == '+')
		for (v++; *v; v++)
			if (!((*v >= '0' && *v <= '9') || (*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
			      *v == '.' || *v == '-' || *v == '+'))
				return 0;
	return *v == '\0' || v[-1] != '-';
}

static json_t *driver_json(struct sarif *s)
{
	json_t *drv = json_object(), *rules = json_array();
	const char *version = s->d->tool_version ? s->d->tool_version : customs_version();

	put(drv, "name", json_string("customs"), &s->oom);
	put(drv, "version", jstr(version), &s->oom);
	if (is_semver(version))
		put(drv, "semanticVersion", jstr(version), &s->oom);
	for (size_t i = 0; i < s->nrules && !s->oom; i++)
		push(rules, rule_json(s, &s->rules[i]), &s->oom);
	put(drv, "rules", rules, &s->oom);
	return drv;
}

/* What was scanned: SARIF has no place for an image, so a property bag. */
static json_t *run_props(struct sarif *s)
{
	const sbom_doc *d = s->d;
	const customs_analysis *a = d->a;
	json_t *o = json_object();
	size_t active = 0;

	for (size_t i = 0; i < s->r->n; i++)
		active += customs_match_active(&s->r->matches[i]) != 0;
	put(o, "imageName", jstr(d->image_name), &s->oom);
	if (d->image_version)
		put(o, "imageDigest", jstr(d->image_version), &s->oom);
	if (d->image_purl)
		put(o, "imagePurl", jstr(d->image_purl), &s->oom);
	if (a && a->distro.id && *a->distro.id) {
		customs_buf b = CUSTOMS_BUF_INIT(0);
		put_text(&b, a->distro.id, 64);
		if (a->distro.version_id) {
			customs_buf_puts(&b, " ");
			put_text(&b, a->distro.version_id, 64);
		}
		put(o, "distro", jbuf(&b), &s->oom);
	}
	if (s->r->distro_ns)
		put(o, "namespace", jstr(s->r->distro_ns), &s->oom);
	put(o, "packages", json_integer((json_int_t)s->r->packages), &s->oom);
	put(o, "matches", json_integer((json_int_t)active), &s->oom);
	put(o, "suppressed", json_integer((json_int_t)(s->r->n - active)), &s->oom);
	return o;
}

int report__sarif(FILE *f, const customs_report *r, const sbom_doc *d)
{
	struct sarif s = {.d = d, .r = d->matches};
	json_t *log = NULL, *runs, *run, *tool, *results;
	int err;

	if (!s.r)
		return customs__error(CUSTOMS_EINVAL, "SARIF holds scan results: no matches to write");
	if ((err = group_rules(&s)) < 0)
		goto done;
	log = json_object();
	runs = json_array();
	run = json_object();
	tool = json_object();
	results = json_array();
	put(log, "$schema", json_string(SARIF_SCHEMA_URI), &s.oom);
	put(log, "version", json_string("2.1.0"), &s.oom);
	put(tool, "driver", driver_json(&s), &s.oom);
	put(run, "tool", tool, &s.oom);
	for (size_t i = 0; i < s.r->n && !s.oom; i++)
		push(results, result_json(&s, i), &s.oom);
	put(run, "results", results, &s.oom);
	put(run, "properties", run_props(&s), &s.oom);
	push(runs, run, &s.oom);
	put(log, "runs", runs, &s.oom);
	if (s.oom) {
		err = customs__error(CUSTOMS_ENOMEM, "out of memory writing SARIF");
		goto done;
	}
	err = report__dump(f, log, JSON_REAL_PRECISION(10) | JSON_INDENT(2));
done:
	json_decref(log);
	free(s.order);
	free(s.rule_of);
	free(s.rules);
	for (size_t i = 0; s.owned && i < s.r->n; i++)
		free(s.owned[i]);
	free(s.owned);
	return err;
}
