/* scan.c - a scan's results: the table with its summary line, customs'
 * JSON document (docs/json.md "customs-scan"), and the --explain text that
 * says how each match of one id came about. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "customs/match.h"
#include "customs/vuln.h"
#include "report/report.h"

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

static const char *note_text(char *buf, size_t n, const customs_match *m)
{
	if (m->covered_by)
		snprintf(buf, n, "covered by %s: %s%s%s", m->covered_by->package, m->covered_by->state,
			 m->covered_by->fixed && strcmp(m->covered_by->state, "affected") ? " in " : "",
			 m->covered_by->fixed && strcmp(m->covered_by->state, "affected") ? m->covered_by->fixed : "");
	else if (m->suppressed)
		snprintf(buf, n, "%s", customs_suppress_kind_name(m->suppressed));
	else
		snprintf(buf, n, "-");
	return buf;
}

struct counts {
	size_t sev[6], active, fixable, suppressed, covered, by_kind[7];
};

static void count(struct counts *k, const customs_match_result *r)
{
	memset(k, 0, sizeof(*k));
	for (size_t i = 0; i < r->n; i++) {
		const customs_match *m = &r->matches[i];
		if (customs_match_active(m)) {
			k->active++;
			k->sev[m->severity]++;
			k->fixable += m->fix_state == CUSTOMS_FIX_FIXED;
		} else if (m->covered_by) {
			k->covered++;
		} else {
			k->suppressed++;
		}
		if ((unsigned)m->suppressed < 7)
			k->by_kind[m->suppressed]++;
	}
}

static void matches_table(FILE *f, const customs_match_result *r, int show_suppressed)
{
	int wi = 2, ws = 8, wp = 7, wv = 9, wf = 8, wt = 5, wn = 4, any_epss = 0, any_kev = 0;
	char buf[512], st[128];
	size_t shown = 0;

	for (size_t i = 0; i < r->n; i++) {
		const customs_match *m = &r->matches[i];
		if (!show_suppressed && !customs_match_active(m))
			continue;
		shown++;
		wi = customs_column_width(m->id, wi, 24);
		ws = customs_column_width(sev_upper(m->severity), ws, 10);
		wp = customs_column_width(m->name, wp, 36);
		wv = customs_column_width(m->version, wv, 32);
		fixed_text(buf, sizeof(buf), m);
		wf = customs_column_width(buf, wf, 32);
		wt = customs_column_width(state_text(st, sizeof(st), m), wt, 28);
		if (show_suppressed)
			wn = customs_column_width(note_text(buf, sizeof(buf), m), wn, 48);
		any_epss |= m->epss >= 0;
		any_kev |= m->kev;
	}
	if (shown) {
		fprintf(f, "%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %-5s", wi, "ID", ws, "SEVERITY", wp, "PACKAGE", wv, "INSTALLED", wf,
		       "FIXED-IN", wt, "STATE", "LAYER");
		if (any_epss)
			fprintf(f, "  %-6s", "EPSS");
		if (any_kev)
			fprintf(f, "  %-3s", "KEV");
		if (show_suppressed)
			fprintf(f, "  %s", "SUPPRESSED");
		fputc('\n', f);
	}
	for (size_t i = 0; i < r->n; i++) {
		const customs_match *m = &r->matches[i];
		char layer[16] = "-", fx[512];
		if (!show_suppressed && !customs_match_active(m))
			continue;
		if (m->layer >= 0)
			snprintf(layer, sizeof(layer), "%d", m->layer);
		fixed_text(fx, sizeof(fx), m);
		fprintf(f, "%-*.*s  %-*s  %-*.*s  %-*.*s  %-*.*s  %-*.*s  %-5s", wi, wi, m->id, ws, sev_upper(m->severity), wp, wp,
		       m->name ? m->name : "-", wv, wv, m->version ? m->version : "-", wf, wf, fx, wt, wt,
		       state_text(st, sizeof(st), m), layer);
		if (any_epss) {
			if (m->epss >= 0)
				fprintf(f, "  %5.1f%%", m->epss * 100);
			else
				fprintf(f, "  %-6s", "-");
		}
		if (any_kev)
			fprintf(f, "  %-3s", m->kev ? "KEV" : "-");
		if (show_suppressed)
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
		fprintf(f, "%zu %s: %zu critical, %zu high, %zu medium, %zu low, %zu negligible, %zu unknown; %zu fixable", k.active,
		       k.active == 1 ? "vulnerability" : "vulnerabilities", k.sev[CUSTOMS_SEVERITY_CRITICAL],
		       k.sev[CUSTOMS_SEVERITY_HIGH], k.sev[CUSTOMS_SEVERITY_MEDIUM], k.sev[CUSTOMS_SEVERITY_LOW],
		       k.sev[CUSTOMS_SEVERITY_NEGLIGIBLE], k.sev[CUSTOMS_SEVERITY_UNKNOWN], k.fixable);
	fprintf(f, " (%zu packages checked)", r->packages);
	if (k.suppressed || k.covered)
		fprintf(f, "; %zu suppressed, %zu covered by distro packages", k.suppressed, k.covered);
	fputc('\n', f);
}

static json_t *summary_json(const customs_match_result *r, const char *fail_on, int failed)
{
	struct counts k;
	json_t *o = json_object(), *sev = json_object(), *kinds = json_object();
	count(&k, r);
	for (int s = CUSTOMS_SEVERITY_CRITICAL; s >= CUSTOMS_SEVERITY_UNKNOWN; s--)
		json_object_set_new(sev, customs_severity_name((customs_severity)s), json_integer((json_int_t)k.sev[s]));
	for (int i = 1; i < 7; i++)
		json_object_set_new(kinds, customs_suppress_kind_name((customs_suppress_kind)i),
				    json_integer((json_int_t)k.by_kind[i]));
	json_object_set_new(o, "packages", json_integer((json_int_t)r->packages));
	json_object_set_new(o, "packages_matched", json_integer((json_int_t)r->packages_matched));
	json_object_set_new(o, "matches", json_integer((json_int_t)k.active));
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

int report__scan_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	matches_table(f, r->matches, r->show_suppressed);
	summary_line(f, r->matches);
	if (!r->show_suppressed) {
		struct counts k;
		count(&k, r->matches);
		if (k.suppressed || k.covered)
			fprintf(f, "(--show-suppressed lists the %zu suppressed and covered matches)\n", k.suppressed + k.covered);
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
	json_t *aj = customs_analysis_to_json(a, 0), *doc = json_object(), *matches = json_array(), *supp = json_array(),
	       *warn = json_array();
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
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(customs_match_active(&r->matches[i]) ? matches : supp,
				      customs_match_to_json(&r->matches[i], a));
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

static void explain_one(FILE *f, const customs_match *m, const customs_analysis *a, size_t nign_vex)
{
	char fx[512];
	const customs_package *p = m->package;
	fprintf(f, "%s in %s %s (%s)\n", m->id, m->name ? m->name : "?", m->version ? m->version : "?", m->type ? m->type : "?");
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
		fprintf(f, "layer %d (%s)\n", m->layer, a->layers[m->layer].digest ? a->layers[m->layer].digest : "no digest");
	else
		fprintf(f, "layer unknown\n");
	if (m->kind == CUSTOMS_MATCH_SOURCE)
		fprintf(f, "  lookup:      binary package %s via its source package \"%s\" at %s in namespace %s\n", m->name,
		       m->lookup_name, m->installed, m->ns);
	else if (m->kind == CUSTOMS_MATCH_OWNER)
		fprintf(f, "  lookup:      \"%s\" at %s in namespace %s (a package installed by %s %s)\n", m->lookup_name,
		       m->installed, m->ns, m->covered_by ? "distro package" : "", m->covered_by ? m->covered_by->package : "?");
	else
		fprintf(f, "  lookup:      \"%s\" at %s in namespace %s (direct)\n", m->lookup_name, m->installed, m->ns);
	for (size_t i = 0; i < m->nrecords; i++) {
		const customs_match_record *r = &m->records[i];
		fprintf(f, "  %-12s %s from feed %s (ecosystem %s, package %s)\n", i ? "also:" : "record:", r->id, r->source,
		       r->ecosystem ? r->ecosystem : "?", r->package ? r->package : "?");
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
	fprintf(f, "  fix:         %s%s%s\n", customs_fix_state_name(m->fix_state), m->nfixed ? ", fixed in " : "",
	       m->nfixed ? fx : "");
	fprintf(f, "  distro:      status %s, urgency %s\n", m->status ? m->status : "none", m->urgency ? m->urgency : "none");
	fprintf(f, "  severity:    %s", customs_severity_name(m->severity));
	if (m->cvss_score >= 0)
		fprintf(f, ", CVSS %.1f %s from %s", m->cvss_score, m->cvss_vector ? m->cvss_vector : "", m->cvss_from);
	else if (!strcmp(m->severity_source, "label"))
		fprintf(f, ", the feed's label %s", m->severity_label);
	else if (!strcmp(m->severity_source, "urgency"))
		fprintf(f, ", from the distro urgency %s (no CVSS score)", m->urgency);
	else
		fprintf(f, " (no score, label or urgency)");
	fputc('\n', f);
	if (m->epss >= 0 || m->kev)
		fprintf(f, "  exploits:    EPSS %s, %s\n", m->epss >= 0 ? (snprintf(fx, sizeof(fx), "%.4f", m->epss), fx) : "-",
		       m->kev ? "in CISA KEV" : "not in CISA KEV");
	if (m->covered_by) {
		const customs_match_cover *c = m->covered_by;
		fprintf(f, "  covered by:  %s %s (source %s, %s): %s", c->package, c->version, c->source ? c->source : "?",
		       c->ns ? c->ns : "?", c->state);
		if (c->vuln_id)
			fprintf(f, ", record %s%s%s%s%s", c->vuln_id, c->fixed ? ", fixed in " : "", c->fixed ? c->fixed : "",
			       c->status ? ", status " : "", c->status ? c->status : "");
		fputc('\n', f);
		if (c->comparison)
			fprintf(f, "    distro comparison: %s\n", c->comparison);
	}
	if (m->vex_status)
		fprintf(f, "  vex:         %s%s%s\n", m->vex_status, m->vex_justification ? ", " : "",
		       m->vex_justification ? m->vex_justification : "");
	if (m->suppressed)
		fprintf(f, "  suppressed:  yes, %s: %s; does not count for --fail-on\n", customs_suppress_kind_name(m->suppressed),
		       m->suppressed_reason ? m->suppressed_reason : "");
	else
		fprintf(f, "  suppressed:  no (no not-affected marker, owning distro package, VEX statement or ignore rule "
		       "applies; %zu rules and statements loaded); counts for --fail-on\n",
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

