/* scan.c - a scan's results: the table with its summary line, customs'
 * JSON document (docs/json.md "customs-scan"), and the --explain text that
 * says how each match of one id came about. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "customs/match.h"
#include "customs/store.h"
#include "customs/vuln.h"
#include "report/report.h"

/* Where a match came from when the image's base is known: the layers
 * below base->layers are the base's. */
enum { ORIGIN_ANY = 0, ORIGIN_BASE, ORIGIN_IMAGE };

static int origin_of(const customs_store_base *base, const customs_match *m)
{
	if (!base)
		return ORIGIN_ANY;
	return m->layer >= 0 && (size_t)m->layer < base->layers ? ORIGIN_BASE : ORIGIN_IMAGE;
}

static const char *sev_upper(customs_severity s)
{
	static const char *const n[] = {"UNKNOWN", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
	return (unsigned)s < 6 ? n[s] : "UNKNOWN";
}

static void fixed_text(char *buf, size_t n, const customs_match *m)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->nfixed && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : "", m->fixed[i]);
	if (!o)
		snprintf(buf, n, "-");
}

static const char *state_text(char *buf, size_t n, const customs_match *m)
{
	const char *s = customs_fix_state_name(m->fix_state);
	if (m->status)
		snprintf(buf, n, "%s (%s)", s, m->status);
	else
		snprintf(buf, n, "%s", s);
	return buf;
}

/* What the NOTE column says: why a match does not count, or for one that
 * counts in a package a distro package installed, what the distro says. */
static const char *note_text(char *buf, size_t n, const customs_match *m)
{
	const customs_match_cover *cv = m->covered_by;
	if (m->suppressed == CUSTOMS_SUPPRESS_COVERED && cv)
		snprintf(buf, n, "covered by %s: %s%s%s", cv->package, cv->state,
			 !strcmp(cv->state, "affected") ? " (counted there)"
			 : cv->fixed                    ? " in "
							: "",
			 cv->fixed && strcmp(cv->state, "affected") ? cv->fixed : "");
	else if (m->suppressed)
		snprintf(buf, n, "%s", customs_suppress_kind_name(m->suppressed));
	else if (cv && !strcmp(cv->state, "no-data"))
		snprintf(buf, n, "installed by %s: no %s data", cv->package, cv->ns ? cv->ns : "distro");
	else if (cv && !strcmp(cv->state, "no-record"))
		snprintf(buf, n, "installed by %s: %s has no record", cv->package, cv->ns ? cv->ns : "the distro");
	else if (cv)
		snprintf(buf, n, "%s (%s %s): %s", cv->package, cv->source ? cv->source : "?",
			 cv->source_version ? cv->source_version : "?", cv->state);
	else
		snprintf(buf, n, "-");
	return buf;
}

struct counts {
	size_t sev[6], active, fixable, suppressed, covered, by_kind[7], locations, no_record;
};

/* per row, as the table shows them */
static void count(struct counts *k, const customs_match_result *r)
{
	memset(k, 0, sizeof(k[0]));
	for (size_t i = 0; i < r->n; i++) {
		const customs_match *m = &r->matches[i];
		k->locations += customs_match_active(m);
		if (customs_match_repeated(r, i))
			continue;
		if (customs_match_active(m)) {
			k->active++;
			k->sev[m->severity]++;
			k->fixable += m->fix_state == CUSTOMS_FIX_FIXED;
			k->no_record += m->covered_by && (!strcmp(m->covered_by->state, "no-record") ||
							  !strcmp(m->covered_by->state, "no-data"));
		} else if (m->suppressed == CUSTOMS_SUPPRESS_COVERED) {
			k->covered++;
		} else {
			k->suppressed++;
		}
		if ((unsigned)m->suppressed < 7)
			k->by_kind[m->suppressed]++;
	}
}

/* matches[i] is a row of the table: shown, not a repeat, of the origin
 * asked for (ORIGIN_ANY: every one) */
static int shown(const customs_match_result *r, size_t i, int show_suppressed, const customs_store_base *base,
		 int origin)
{
	const customs_match *m = &r->matches[i];
	return (show_suppressed || customs_match_active(m)) && !customs_match_repeated(r, i) &&
	       (!origin || origin_of(base, m) == origin);
}

static void matches_table(FILE *f, const customs_match_result *r, int show_suppressed, const customs_store_base *base,
			  int origin)
{
	int wi = 2, ws = 8, wp = 7, wv = 9, wf = 8, wt = 5, any_epss = 0, any_kev = 0, any_note = 0;
	char buf[512], st[128];
	size_t nshown = 0;

	for (size_t i = 0; i < r->n; i++) {
		const customs_match *m = &r->matches[i];
		if (!shown(r, i, show_suppressed, base, origin))
			continue;
		nshown++;
		wi = customs_column_width(m->id, wi, 24);
		ws = customs_column_width(sev_upper(m->severity), ws, 10);
		wp = customs_column_width(m->name, wp, 36);
		wv = customs_column_width(m->version, wv, 32);
		fixed_text(buf, sizeof(buf), m);
		wf = customs_column_width(buf, wf, 32);
		wt = customs_column_width(state_text(st, sizeof(st), m), wt, 28);
		any_note |= strcmp(note_text(buf, sizeof(buf), m), "-") != 0;
		any_epss |= m->epss >= 0;
		any_kev |= m->kev;
	}
	if (nshown) {
		fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %-5s", wi, "ID", ws, "SEVERITY", wp, "PACKAGE", wv,
			"INSTALLED", wf, "FIXED-IN", wt, "STATE", "LAYER");
		if (any_epss)
			fprintf(f, "  %-6s", "EPSS");
		if (any_kev)
			fprintf(f, "  %-3s", "KEV");
		if (any_note)
			fprintf(f, "  %s", "NOTE");
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->n; i++) {
		const customs_match *m = &r->matches[i];
		char layer[16] = "-", fx[512];
		if (!shown(r, i, show_suppressed, base, origin))
			continue;
		if (m->layer >= 0)
			snprintf(layer, sizeof(layer), "%d", m->layer);
		fixed_text(fx, sizeof(fx), m);
		fprintf(f, "%-*.*s  %-*s  %-*.*s  %-*.*s  %-*.*s  %-*.*s  %-5s", wi, wi, m->id, ws,
			sev_upper(m->severity), wp, wp, m->name ? m->name : "-", wv, wv, m->version ? m->version : "-",
			wf, wf, fx, wt, wt, state_text(st, sizeof(st), m), layer);
		if (any_epss) {
			if (m->epss >= 0)
				fprintf(f, "  %5.1f%%", m->epss * 100);
			else
				fprintf(f, "  %-6s", "-");
		}
		if (any_kev)
			fprintf(f, "  %-3s", m->kev ? "KEV" : "-");
		if (any_note)
			fprintf(f, "  %s", note_text(buf, sizeof(buf), m));
		fputc('\n', f);
	}
}

static void summary_line(FILE *f, const customs_match_result *r)
{
	struct counts k;
	count(&k, r);
	if (!k.active)
		fprintf(f, "No vulnerabilities found");
	else
		fprintf(f,
			"%zu %s: %zu critical, %zu high, %zu medium, %zu low, %zu negligible, %zu unknown; %zu fixable",
			k.active, k.active == 1 ? "vulnerability" : "vulnerabilities", k.sev[CUSTOMS_SEVERITY_CRITICAL],
			k.sev[CUSTOMS_SEVERITY_HIGH], k.sev[CUSTOMS_SEVERITY_MEDIUM], k.sev[CUSTOMS_SEVERITY_LOW],
			k.sev[CUSTOMS_SEVERITY_NEGLIGIBLE], k.sev[CUSTOMS_SEVERITY_UNKNOWN], k.fixable);
	fprintf(f, " (%zu packages checked)", r->packages);
	if (k.suppressed || k.covered)
		fprintf(f, "; %zu suppressed, %zu covered by distro packages", k.suppressed, k.covered);
	fputc('\n', f);
	if (k.no_record)
		fprintf(f,
			"(%zu of them in language packages that distro packages installed: the distro feed has no "
			"record of "
			"them, so the upstream advisory counts)\n",
			k.no_record);
}

static json_t *summary_json(const customs_match_result *r, const char *fail_on, int failed)
{
	struct counts k;
	json_t *o = json_object(), *sev = json_object(), *kinds = json_object();
	count(&k, r);
	for (int s = CUSTOMS_SEVERITY_CRITICAL; s >= CUSTOMS_SEVERITY_UNKNOWN; s--)
		json_object_set_new(sev, customs_severity_name((customs_severity)s),
				    json_integer((json_int_t)k.sev[s]));
	for (int i = 1; i < 7; i++)
		json_object_set_new(kinds, customs_suppress_kind_name((customs_suppress_kind)i),
				    json_integer((json_int_t)k.by_kind[i]));
	json_object_set_new(o, "packages", json_integer((json_int_t)r->packages));
	json_object_set_new(o, "packages_matched", json_integer((json_int_t)r->packages_matched));
	json_object_set_new(o, "matches", json_integer((json_int_t)k.active));
	json_object_set_new(o, "locations", json_integer((json_int_t)k.locations));
	json_object_set_new(o, "no_distro_record", json_integer((json_int_t)k.no_record));
	json_object_set_new(o, "by_severity", sev);
	json_object_set_new(o, "fixable", json_integer((json_int_t)k.fixable));
	json_object_set_new(o, "suppressed", json_integer((json_int_t)(k.suppressed + k.covered)));
	json_object_set_new(o, "covered", json_integer((json_int_t)k.covered));
	json_object_set_new(o, "suppressed_by", kinds);
	json_object_set_new(o, "fail_on", fail_on ? json_string(fail_on) : json_null());
	json_object_set_new(o, "failed", json_boolean(failed));
	return o;
}

static json_t *db_json(const customs_vulndb_info *s)
{
	json_t *o, *src;
	if (!s)
		return json_null();
	o = json_object(), src = json_array();
	json_object_set_new(o, "path", json_string(s->path));
	json_object_set_new(o, "schema_version", json_integer(s->schema_version));
	json_object_set_new(o, "built_at", s->built_at ? json_string(s->built_at) : json_null());
	for (size_t i = 0; i < s->nsources; i++) {
		const customs_vulndb_source *x = &s->sources[i];
		json_t *e = json_object();
		json_object_set_new(e, "name", json_string(x->name));
		json_object_set_new(e, "kind", json_string(x->kind));
		json_object_set_new(e, "records", json_integer((json_int_t)x->records));
		json_object_set_new(e, "newest", x->newest ? json_string(x->newest) : json_null());
		json_object_set_new(e, "imported_at", x->imported_at ? json_string(x->imported_at) : json_null());
		json_array_append_new(src, e);
	}
	json_object_set_new(o, "sources", src);
	return o;
}

/* "sha256:1234..." with the base's tags, for the headings */
static void base_name(char *buf, size_t n, const customs_store_base *b)
{
	size_t o = (size_t)snprintf(buf, n, "%.19s", b->digest);
	for (size_t i = 0; i < b->ntags && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? ", " : " (", b->tags[i]);
	if (b->ntags && o < n)
		snprintf(buf + o, n - o, ")");
}

static size_t count_origin(const customs_match_result *r, const customs_store_base *base, int origin)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		n += customs_match_active(&r->matches[i]) && !customs_match_repeated(r, i) &&
		     origin_of(base, &r->matches[i]) == origin;
	return n;
}

/* the matches in two groups: what the base brought, what the image's own
 * layers brought (what a team can fix itself) */
static void split_tables(FILE *f, const customs_report *r)
{
	const customs_store_base *b = r->base;
	char name[512];
	base_name(name, sizeof(name), b);
	fprintf(f, "Inherited from the base image %s, layers 0-%zu: %zu\n", name, b->layers - 1,
		count_origin(r->matches, b, ORIGIN_BASE));
	matches_table(f, r->matches, r->show_suppressed, b, ORIGIN_BASE);
	fprintf(f, "\nIntroduced by the image's own layers (%zu-%zu): %zu\n", b->layers,
		r->analysis->nlayers ? r->analysis->nlayers - 1 : 0, count_origin(r->matches, b, ORIGIN_IMAGE));
	matches_table(f, r->matches, r->show_suppressed, b, ORIGIN_IMAGE);
	fputc('\n', f);
}

int report__scan_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	if (r->base)
		split_tables(f, r);
	else
		matches_table(f, r->matches, r->show_suppressed, NULL, ORIGIN_ANY);
	summary_line(f, r->matches);
	if (!r->show_suppressed) {
		struct counts k;
		count(&k, r->matches);
		if (k.suppressed || k.covered)
			fprintf(f, "(--show-suppressed lists the %zu suppressed and covered matches)\n",
				k.suppressed + k.covered);
	}
	if (r->policy) {
		fprintf(f, "\nPolicy evaluation\n\n");
		return report__policy_text(f, r);
	}
	return 0;
}

/* the analysis without packages or files, the matches that count, the
 * others, the summary, the analysis' and the matcher's warnings */
int report__scan_json(FILE *f, const customs_report *rep, const sbom_doc *d)
{
	const customs_analysis *a = rep->analysis;
	const customs_match_result *r = rep->matches;
	json_t *aj = customs_analysis_to_json(a, 0), *doc = json_object(), *matches = json_array(),
	       *supp = json_array(), *warn = json_array();
	int err;
	if (!aj || !doc || !matches || !supp || !warn) {
		json_decref(aj), json_decref(doc), json_decref(matches), json_decref(supp), json_decref(warn);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	json_object_set_new(doc, "schema", json_string("customs-scan"));
	json_object_set_new(doc, "schema_version", json_string("1.0"));
	json_object_set(doc, "complete", json_object_get(aj, "complete"));
	json_object_set(doc, "source", json_object_get(aj, "source"));
	json_object_set(doc, "image", json_object_get(aj, "image"));
	json_object_set(doc, "distro", json_object_get(aj, "distro"));
	json_object_set_new(doc, "namespace", r->distro_ns ? json_string(r->distro_ns) : json_null());
	json_object_set_new(doc, "db", db_json(rep->vulndb));
	for (size_t i = 0; i < r->n; i++) {
		json_t *m = customs_match_to_json(&r->matches[i], a);
		int origin = origin_of(rep->base, &r->matches[i]);
		if (m && origin)
			json_object_set_new(m, "origin", json_string(origin == ORIGIN_BASE ? "base" : "image"));
		json_array_append_new(customs_match_active(&r->matches[i]) ? matches : supp, m);
	}
	if (rep->base) {
		/* only when the store knows the base: a scan without one is as it was */
		json_t *b = json_object(), *tags = json_array();
		for (size_t k = 0; k < rep->base->ntags; k++)
			json_array_append_new(tags, json_string(rep->base->tags[k]));
		json_object_set_new(b, "digest", json_string(rep->base->digest));
		json_object_set_new(b, "reference",
				    rep->base->reference ? json_string(rep->base->reference) : json_null());
		json_object_set_new(b, "tags", tags);
		json_object_set_new(b, "layers", json_integer((json_int_t)rep->base->layers));
		json_object_set_new(b, "inherited", json_integer((json_int_t)count_origin(r, rep->base, ORIGIN_BASE)));
		json_object_set_new(b, "introduced",
				    json_integer((json_int_t)count_origin(r, rep->base, ORIGIN_IMAGE)));
		json_object_set_new(doc, "base", b);
	}
	json_object_set_new(doc, "matches", matches);
	json_object_set_new(doc, "suppressed", supp);
	json_object_set_new(doc, "summary", summary_json(r, rep->fail_on, rep->failed));
	json_t *aw = json_object_get(aj, "warnings"), *x;
	size_t i;
	json_array_foreach(aw, i, x) json_array_append(warn, x);
	for (i = 0; i < r->nwarnings; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "level", json_string("warning"));
		json_object_set_new(o, "layer", json_null());
		json_object_set_new(o, "path", json_null());
		json_object_set_new(o, "message", json_string(r->warnings[i]));
		json_array_append_new(warn, o);
	}
	json_object_set_new(doc, "warnings", warn);
	if (rep->policy && json_object_set_new(doc, "policy", report__policy_doc(rep)) < 0) {
		json_decref(doc);
		json_decref(aj);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	err = report__dump(f, doc, JSON_INDENT(2));
	json_decref(doc);
	json_decref(aj);
	return err;
}

/* ---- --explain ---- */

static int has_id(const customs_match *m, const char *id)
{
	for (size_t i = 0; i < m->nids; i++)
		if (!strcasecmp(m->ids[i], id))
			return 1;
	return 0;
}

/* A match that counts because its owner's Built-Using toolchain is
 * affected: that distro record decides its fix. */
static int decided_by_cover(const customs_match *m)
{
	const customs_match_cover *c = m->covered_by;
	return c && c->via && c->state && !strcmp(c->via, "built-using") && !strcmp(c->state, "affected");
}

static void explain_one(FILE *f, const customs_match *m, const customs_analysis *a, size_t nign_vex)
{
	char fx[512];
	const customs_package *p = m->package;
	fprintf(f, "%s in %s %s (%s)\n", m->id, m->name ? m->name : "?", m->version ? m->version : "?",
		m->type ? m->type : "?");
	fprintf(f, "  ids:         ");
	for (size_t i = 0; i < m->nids; i++)
		fprintf(f, "%s%s", i ? ", " : "", m->ids[i]);
	fputc('\n', f);
	if (m->summary)
		fprintf(f, "  summary:     %.200s\n", m->summary);
	fprintf(f, "  package:     %s %s, %s%s%s\n", m->name, m->version, m->purl ? m->purl : "no purl",
		p && p->found_by ? ", found by " : "", p && p->found_by ? p->found_by : "");
	fprintf(f, "  where:       %s, ", m->location ? m->location : "(unknown path)");
	if (m->layer >= 0 && (size_t)m->layer < a->nlayers)
		fprintf(f, "layer %d (%s)\n", m->layer,
			a->layers[m->layer].digest ? a->layers[m->layer].digest : "no digest");
	else
		fprintf(f, "layer unknown\n");
	if (m->kind == CUSTOMS_MATCH_SOURCE)
		fprintf(f, "  lookup:      binary package %s via its source package \"%s\" at %s in namespace %s\n",
			m->name, m->lookup_name, m->installed, m->ns);
	else if (m->kind == CUSTOMS_MATCH_OWNER)
		fprintf(f, "  lookup:      \"%s\" at %s in namespace %s (a package installed by %s %s)\n",
			m->lookup_name, m->installed, m->ns, m->covered_by ? "distro package" : "",
			m->covered_by ? m->covered_by->package : "?");
	else
		fprintf(f, "  lookup:      \"%s\" at %s in namespace %s (direct)\n", m->lookup_name, m->installed,
			m->ns);
	for (size_t i = 0; i < m->nrecords; i++) {
		const customs_match_record *r = &m->records[i];
		fprintf(f, "  %-12s %s from feed %s (ecosystem %s, package %s)\n", i ? "also:" : "record:", r->id,
			r->source, r->ecosystem ? r->ecosystem : "?", r->package ? r->package : "?");
		fprintf(f, "    range:       %s\n", r->range ? r->range : "?");
		fprintf(f, "    comparison:  %s -> affected\n", r->comparison ? r->comparison : "?");
		fprintf(f, "    fix state:   %s", customs_fix_state_name(r->fix_state));
		for (size_t k = 0; k < r->nfixed; k++)
			fprintf(f, "%s%s", k ? ", " : ": fixed in ", r->fixed[k]);
		fputc('\n', f);
		if (r->status || r->urgency)
			fprintf(f, "    distro:      status %s, urgency %s\n", r->status ? r->status : "none",
				r->urgency ? r->urgency : "none");
	}
	fixed_text(fx, sizeof(fx), m);
	fprintf(f, "  fix:         %s%s%s%s\n", customs_fix_state_name(m->fix_state), m->nfixed ? ", fixed in " : "",
		m->nfixed ? fx : "", decided_by_cover(m) ? " (the distro record of the toolchain decides)" : "");
	fprintf(f, "  distro:      status %s, urgency %s\n", m->status ? m->status : "none",
		m->urgency ? m->urgency : "none");
	fprintf(f, "  severity:    %s", customs_severity_name(m->severity));
	if (!strcmp(m->severity_source, "distro"))
		fprintf(f, ", the distro's rating %s", m->distro_severity);
	else if (!strcmp(m->severity_source, "label"))
		fprintf(f, ", the feed's label %s", m->severity_label);
	else if (strcmp(m->severity_source, "none"))
		fprintf(f, ", by the CVSS score");
	else
		fprintf(f, " (no distro rating, score or label)");
	if (m->cvss_score >= 0)
		fprintf(f, "; CVSS %.1f (%s) %s from %s", m->cvss_score,
			customs_severity_name(customs_severity_from_cvss(m->cvss_score)),
			m->cvss_vector ? m->cvss_vector : "", m->cvss_from);
	if (m->distro_severity && strcmp(m->severity_source, "distro"))
		fprintf(f, "; the distro rates it %s", m->distro_severity);
	fputc('\n', f);
	if (m->epss >= 0 || m->kev)
		fprintf(f, "  exploits:    EPSS %s, %s\n",
			m->epss >= 0 ? (snprintf(fx, sizeof(fx), "%.4f", m->epss), fx) : "-",
			m->kev ? "in CISA KEV" : "not in CISA KEV");
	if (m->covered_by) {
		const customs_match_cover *c = m->covered_by;
		fprintf(f, "  %s %s %s (%s %s %s, %s): %s",
			m->suppressed == CUSTOMS_SUPPRESS_COVERED ? "covered by: " : "installed by:", c->package,
			c->version, c->via && !strcmp(c->via, "built-using") ? "built with" : "source",
			c->source ? c->source : "?", c->source_version ? c->source_version : "?", c->ns ? c->ns : "?",
			c->state);
		if (c->state && (!strcmp(c->state, "no-record") || !strcmp(c->state, "no-data")))
			fprintf(f, " (the distro has no record: the upstream advisory counts)");
		if (c->vuln_id)
			fprintf(f, ", record %s%s%s%s%s", c->vuln_id, c->fixed ? ", fixed in " : "",
				c->fixed ? c->fixed : "", c->status ? ", status " : "", c->status ? c->status : "");
		fputc('\n', f);
		if (c->comparison)
			fprintf(f, "    distro comparison: %s\n", c->comparison);
	}
	if (m->vex_status)
		fprintf(f, "  vex:         %s%s%s\n", m->vex_status, m->vex_justification ? ", " : "",
			m->vex_justification ? m->vex_justification : "");
	if (m->suppressed)
		fprintf(f, "  suppressed:  yes, %s: %s; does not count for --fail-on\n",
			customs_suppress_kind_name(m->suppressed), m->suppressed_reason ? m->suppressed_reason : "");
	else
		fprintf(f,
			"  suppressed:  no (no not-affected marker, distro verdict of an owning package, VEX statement "
			"or "
			"ignore rule applies; %zu rules and statements loaded); counts for --fail-on\n",
			nign_vex);
	fputc('\n', f);
}

int report__explain(FILE *f, const customs_report *rep, const sbom_doc *d)
{
	const char *id = rep->explain_id;
	const customs_match_result *r = rep->matches;
	const customs_analysis *a = rep->analysis;
	customs_vulndb *db = rep->db;
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		if (has_id(&r->matches[i], id)) {
			explain_one(f, &r->matches[i], a, rep->explain_rules);
			n++;
		}
	if (!n) {
		/* no match: is the id in the database at all? */
		customs_vuln_record *rec = NULL;
		int known = db && customs_vulndb_vuln(db, id, &rec) == 0;
		customs_vuln_record_free(rec);
		if (!known) {
			fprintf(f, "%s: not in the vulnerability database\n", id);
			return 0;
		}
		fprintf(f, "%s: no package in the image is affected\n", id);
	}
	if (r->nnotes) {
		fprintf(f, "%s\n", n ? "Entries of the same vulnerability that did not match:" : "What was checked:");
		for (size_t i = 0; i < r->nnotes; i++)
			fprintf(f, "  %s\n", r->notes[i]);
	} else if (!n) {
		fprintf(f, "  no package of the image has an entry for it (no lookup found one)\n");
	}
	return 0;
}
