/* cmd_scan.c - `customs scan IMAGE`: analyse an image, match its packages
 * against the vulnerability database (include/customs/match.h) and print
 * the matches as a table, as customs' JSON document (docs/json.md
 * "customs-scan"), or one vulnerability's explanation. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common.h"
#include "customs/match.h"
#include "customs/vuln.h"

const char cmd_scan_usage[] =
	"usage: customs scan IMAGE|sbom:FILE [--db PATH] [-o FORMAT[=FILE]]... [--fail-on SEVERITY]\n"
	"                    [--only-fixed] [--ignore FILE]... [--vex FILE]... [--explain ID]\n"
	"                    [--show-suppressed]\n"
	"\n"
	"Find the known vulnerabilities of the packages in IMAGE: distro packages\n"
	"(deb, rpm, apk) through their distro's feed by source package, language\n"
	"packages (npm, PyPI, Go modules and stdlib, Maven, gems, crates, Composer,\n"
	"NuGet) through their ecosystem's advisories, one match per vulnerability\n"
	"per package with all its ids (the CVE first).  A language package that a\n"
	"distro package installed is covered by it: its advisories are shown with\n"
	"what the distro feed says, and never count on their own.\n"
	"\n"
	"sbom:FILE scans an SBOM instead (SPDX 2.3 JSON or tag-value, CycloneDX\n"
	"1.4-1.6 JSON, customs JSON): its packages are matched as if they had been\n"
	"found in the image; an SBOM customs wrote gives the image's own matches.\n"
	"\n"
	"Options:\n"
	"  --db PATH              vulnerability database (default: $CUSTOMS_DB, else\n"
	"                         ~/.local/share/customs/vulndb.sqlite); build it with\n"
	"                         `customs db import` or `customs db update`\n"
	"  -o, --output FORMAT[=FILE]  repeatable, at most one on stdout: table (default),\n"
	"                         json (docs/json.md, customs-scan), sarif (SARIF 2.1.0 for\n"
	"                         GitHub code scanning: a rule per vulnerability, a result\n"
	"                         per affected package at its path), cyclonedx-json\n"
	"                         (CycloneDX 1.6 with vulnerabilities[]: ratings, affects,\n"
	"                         analysis of suppressed ones; cyclonedx-json@1.5)\n"
	"  --fail-on SEVERITY     exit 1 when a match that counts (not suppressed, not\n"
	"                         covered) is at or above SEVERITY: negligible, low,\n"
	"                         medium, high, critical (or unknown: any match)\n"
	"  --only-fixed           suppress matches without a fix (not-fixed, wont-fix)\n"
	"  --hide-status LIST     suppress matches whose distro status is in LIST\n"
	"                         (comma-separated: unimportant, no-dsa, postponed,\n"
	"                         ignored, end-of-life); by default they are shown\n"
	"  --ignore FILE          ignore rules, JSON or YAML (repeatable): a list of\n"
	"                         {id, package: {name, version, type, location},\n"
	"                         fix-state, expires: YYYY-MM-DD, reason}; expired\n"
	"                         rules stop applying and are reported on stderr\n"
	"  --vex FILE             OpenVEX JSON (repeatable): not_affected and fixed\n"
	"                         statements suppress (justification shown),\n"
	"                         affected and under_investigation keep\n"
	"  --explain ID           print, for each package matching ID (any of its ids),\n"
	"                         how it matched: package, path and layer, namespace and\n"
	"                         feed record, range, comparison, fix state, distro\n"
	"                         status and why it is or is not suppressed\n"
	"  --show-suppressed      table: also list suppressed and covered matches\n"
	"  --max-db-age DAYS      warn when the database's newest data is older than\n"
	"                         DAYS (default 7; 0 disables)\n"
	"  --cpe-fallback         match by CPE when nothing else does: NOT IMPLEMENTED\n"
	"                         (accepted; a warning says so)\n"
	"  --timings              print analysis and matching times on stderr (also\n"
	"                         with CUSTOMS_TIMINGS=1)\n"
	"\n"
	"Exit codes: 0 done, 1 a match at or above --fail-on, 2 usage error,\n"
	"3 the image or the database could not be read, 4 results written but\n"
	"part of the image could not be read.\n"
	"\n" CLI_IMAGE_USAGE;

static const char *const scan_formats[] = {"table", "json", "sarif", "cyclonedx-json", "cyclonedx-json@1.6",
					   "cyclonedx-json@1.5", NULL};

enum {
	OPT_DB = OPT_IMAGE_LAST,
	OPT_FAIL_ON,
	OPT_ONLY_FIXED,
	OPT_HIDE_STATUS,
	OPT_IGNORE,
	OPT_VEX,
	OPT_EXPLAIN,
	OPT_SHOW_SUPPRESSED,
	OPT_MAX_DB_AGE,
	OPT_CPE_FALLBACK,
	OPT_TIMINGS,
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* "2025-02-12T08:00:00Z" / "2025-02-12" → seconds since the epoch, -1 if not a date */
static time_t parse_time(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (!s || sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	sscanf(s + 10, "T%2d:%2d:%2d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	return timegm(&tm);
}

static void check_db_age(const customs_vulndb_info *s, long max_days, int quiet)
{
	time_t newest = -1, now = time(NULL);
	const char *newest_s = NULL;
	if (max_days <= 0 || quiet)
		return;
	for (size_t i = 0; i < s->nsources; i++) {
		time_t t = parse_time(s->sources[i].newest);
		if (t > newest)
			newest = t, newest_s = s->sources[i].newest;
	}
	if (newest < 0)
		newest = parse_time(s->built_at), newest_s = s->built_at;
	if (newest < 0) {
		fprintf(stderr, "customs scan: warning: the vulnerability database %s holds no dated data\n", s->path);
		return;
	}
	double days = (double)(now - newest) / 86400.0;
	if (days > (double)max_days)
		fprintf(stderr,
			"customs scan: warning: the vulnerability database's newest data is from %.10s (%.0f days old, over "
			"--max-db-age %ld; built %s): run `customs db update`\n",
			newest_s, days, max_days, s->built_at ? s->built_at : "never");
}

/* customs_vulndb_status counts every table (tens of milliseconds on a full
 * database): it runs on its own thread while the image is analysed. */
struct status_job {
	customs_vulndb *db;
	customs_vulndb_info *info;
	int err;
	char msg[1024];
};

static void *status_run(void *arg)
{
	struct status_job *j = arg;
	if ((j->err = customs_vulndb_status(j->db, &j->info)) < 0)
		snprintf(j->msg, sizeof(j->msg), "%s", customs_error_last());
	return NULL;
}

static const char *sev_upper(customs_severity s)
{
	static const char *const n[] = {"UNKNOWN", "NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
	return (unsigned)s < 6 ? n[s] : "UNKNOWN";
}

static int width(const char *s, int cur, int max)
{
	int n = s ? (int)strlen(s) : 1;
	if (n > max)
		n = max;
	return n > cur ? n : cur;
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

static void print_table(FILE *f, const customs_match_result *r, int show_suppressed)
{
	int wi = 2, ws = 8, wp = 7, wv = 9, wf = 8, wt = 5, wn = 4, any_epss = 0, any_kev = 0;
	char buf[512], st[128];
	size_t shown = 0;

	for (size_t i = 0; i < r->n; i++) {
		const customs_match *m = &r->matches[i];
		if (!show_suppressed && !customs_match_active(m))
			continue;
		shown++;
		wi = width(m->id, wi, 24);
		ws = width(sev_upper(m->severity), ws, 10);
		wp = width(m->name, wp, 36);
		wv = width(m->version, wv, 32);
		fixed_text(buf, sizeof(buf), m);
		wf = width(buf, wf, 32);
		wt = width(state_text(st, sizeof(st), m), wt, 28);
		if (show_suppressed)
			wn = width(note_text(buf, sizeof(buf), m), wn, 48);
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

static void print_summary(FILE *f, const customs_match_result *r)
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
	json_t *o = json_object(), *src = json_array();
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

static int write_json(FILE *f, const customs_analysis *a, const customs_vulndb_info *info,
		      const customs_match_result *r, const char *fail_on, int failed)
{
	json_t *aj = customs_analysis_to_json(a, 0), *doc = json_object(), *matches = json_array(), *supp = json_array(),
	       *warn = json_array();
	int rc;
	if (!aj || !doc || !matches || !supp || !warn) {
		json_decref(aj), json_decref(doc), json_decref(matches), json_decref(supp), json_decref(warn);
		return cli_error(EXIT_FAILED, "scan", "out of memory");
	}
	json_object_set_new(doc, "schema", json_string("customs-scan"));
	json_object_set_new(doc, "schema_version", json_string("1.0"));
	json_object_set(doc, "complete", json_object_get(aj, "complete"));
	json_object_set(doc, "source", json_object_get(aj, "source"));
	json_object_set(doc, "image", json_object_get(aj, "image"));
	json_object_set(doc, "distro", json_object_get(aj, "distro"));
	json_object_set_new(doc, "namespace", r->distro_ns ? json_string(r->distro_ns) : json_null());
	json_object_set_new(doc, "db", db_json(info));
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(customs_match_active(&r->matches[i]) ? matches : supp,
				      customs_match_to_json(&r->matches[i], a));
	json_object_set_new(doc, "matches", matches);
	json_object_set_new(doc, "suppressed", supp);
	json_object_set_new(doc, "summary", summary_json(r, fail_on, failed));
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
	rc = 0;
	if (json_dumpf(doc, f, JSON_INDENT(2)) < 0 || fputc('\n', f) == EOF)
		rc = cli_error(EXIT_FAILED, "scan", "write error: %s", strerror(errno));
	json_decref(doc);
	json_decref(aj);
	return rc;
}

/* ---- --explain ---- */

static int has_id(const customs_match *m, const char *id)
{
	for (size_t i = 0; i < m->nids; i++)
		if (!strcasecmp(m->ids[i], id))
			return 1;
	return 0;
}

static void explain_one(const customs_match *m, const customs_analysis *a, size_t nign_vex)
{
	char fx[512];
	const customs_package *p = m->package;
	printf("%s in %s %s (%s)\n", m->id, m->name ? m->name : "?", m->version ? m->version : "?", m->type ? m->type : "?");
	printf("  ids:         ");
	for (size_t i = 0; i < m->nids; i++)
		printf("%s%s", i ? ", " : "", m->ids[i]);
	putchar('\n');
	if (m->summary)
		printf("  summary:     %.200s\n", m->summary);
	printf("  package:     %s %s, %s%s%s\n", m->name, m->version, m->purl ? m->purl : "no purl",
	       p && p->found_by ? ", found by " : "", p && p->found_by ? p->found_by : "");
	printf("  where:       %s, ", m->location ? m->location : "(unknown path)");
	if (m->layer >= 0 && (size_t)m->layer < a->nlayers)
		printf("layer %d (%s)\n", m->layer, a->layers[m->layer].digest ? a->layers[m->layer].digest : "no digest");
	else
		printf("layer unknown\n");
	if (m->kind == CUSTOMS_MATCH_SOURCE)
		printf("  lookup:      binary package %s via its source package \"%s\" at %s in namespace %s\n", m->name,
		       m->lookup_name, m->installed, m->ns);
	else if (m->kind == CUSTOMS_MATCH_OWNER)
		printf("  lookup:      \"%s\" at %s in namespace %s (a package installed by %s %s)\n", m->lookup_name,
		       m->installed, m->ns, m->covered_by ? "distro package" : "", m->covered_by ? m->covered_by->package : "?");
	else
		printf("  lookup:      \"%s\" at %s in namespace %s (direct)\n", m->lookup_name, m->installed, m->ns);
	for (size_t i = 0; i < m->nrecords; i++) {
		const customs_match_record *r = &m->records[i];
		printf("  %-12s %s from feed %s (ecosystem %s, package %s)\n", i ? "also:" : "record:", r->id, r->source,
		       r->ecosystem ? r->ecosystem : "?", r->package ? r->package : "?");
		printf("    range:       %s\n", r->range ? r->range : "?");
		printf("    comparison:  %s -> affected\n", r->comparison ? r->comparison : "?");
		printf("    fix state:   %s", customs_fix_state_name(r->fix_state));
		for (size_t k = 0; k < r->nfixed; k++)
			printf("%s%s", k ? ", " : ": fixed in ", r->fixed[k]);
		putchar('\n');
		if (r->status || r->urgency)
			printf("    distro:      status %s, urgency %s\n", r->status ? r->status : "none",
			       r->urgency ? r->urgency : "none");
	}
	fixed_text(fx, sizeof(fx), m);
	printf("  fix:         %s%s%s\n", customs_fix_state_name(m->fix_state), m->nfixed ? ", fixed in " : "",
	       m->nfixed ? fx : "");
	printf("  distro:      status %s, urgency %s\n", m->status ? m->status : "none", m->urgency ? m->urgency : "none");
	printf("  severity:    %s", customs_severity_name(m->severity));
	if (m->cvss_score >= 0)
		printf(", CVSS %.1f %s from %s", m->cvss_score, m->cvss_vector ? m->cvss_vector : "", m->cvss_from);
	else if (!strcmp(m->severity_source, "label"))
		printf(", the feed's label %s", m->severity_label);
	else if (!strcmp(m->severity_source, "urgency"))
		printf(", from the distro urgency %s (no CVSS score)", m->urgency);
	else
		printf(" (no score, label or urgency)");
	putchar('\n');
	if (m->epss >= 0 || m->kev)
		printf("  exploits:    EPSS %s, %s\n", m->epss >= 0 ? (snprintf(fx, sizeof(fx), "%.4f", m->epss), fx) : "-",
		       m->kev ? "in CISA KEV" : "not in CISA KEV");
	if (m->covered_by) {
		const customs_match_cover *c = m->covered_by;
		printf("  covered by:  %s %s (source %s, %s): %s", c->package, c->version, c->source ? c->source : "?",
		       c->ns ? c->ns : "?", c->state);
		if (c->vuln_id)
			printf(", record %s%s%s%s%s", c->vuln_id, c->fixed ? ", fixed in " : "", c->fixed ? c->fixed : "",
			       c->status ? ", status " : "", c->status ? c->status : "");
		putchar('\n');
		if (c->comparison)
			printf("    distro comparison: %s\n", c->comparison);
	}
	if (m->vex_status)
		printf("  vex:         %s%s%s\n", m->vex_status, m->vex_justification ? ", " : "",
		       m->vex_justification ? m->vex_justification : "");
	if (m->suppressed)
		printf("  suppressed:  yes, %s: %s; does not count for --fail-on\n", customs_suppress_kind_name(m->suppressed),
		       m->suppressed_reason ? m->suppressed_reason : "");
	else
		printf("  suppressed:  no (no not-affected marker, owning distro package, VEX statement or ignore rule "
		       "applies; %zu rules and statements loaded); counts for --fail-on\n",
		       nign_vex);
	putchar('\n');
}

static int explain(const char *id, const customs_match_result *r, const customs_analysis *a, customs_vulndb *db,
		   size_t nrules)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		if (has_id(&r->matches[i], id)) {
			explain_one(&r->matches[i], a, nrules);
			n++;
		}
	if (!n) {
		customs_vuln_group *g = NULL;
		int err = customs_vulndb_group(db, id, &g);
		customs_vuln_record *rec = NULL;
		int known = customs_vulndb_vuln(db, id, &rec) == 0;
		customs_vuln_record_free(rec);
		customs_vuln_group_free(g);
		(void)err;
		if (!known) {
			printf("%s: not in the vulnerability database\n", id);
			return 0;
		}
		printf("%s: no package in the image is affected\n", id);
	}
	if (r->nnotes) {
		printf("%s\n", n ? "Entries of the same vulnerability that did not match:" : "What was checked:");
		for (size_t i = 0; i < r->nnotes; i++)
			printf("  %s\n", r->notes[i]);
	} else if (!n) {
		printf("  no package of the image has an entry for it (no lookup found one)\n");
	}
	return 0;
}

int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"db", required_argument, NULL, OPT_DB},
		{"fail-on", required_argument, NULL, OPT_FAIL_ON},
		{"only-fixed", no_argument, NULL, OPT_ONLY_FIXED},
		{"hide-status", required_argument, NULL, OPT_HIDE_STATUS},
		{"ignore", required_argument, NULL, OPT_IGNORE},
		{"vex", required_argument, NULL, OPT_VEX},
		{"explain", required_argument, NULL, OPT_EXPLAIN},
		{"show-suppressed", no_argument, NULL, OPT_SHOW_SUPPRESSED},
		{"max-db-age", required_argument, NULL, OPT_MAX_DB_AGE},
		{"cpe-fallback", no_argument, NULL, OPT_CPE_FALLBACK},
		{"timings", no_argument, NULL, OPT_TIMINGS},
		CLI_IMAGE_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	cli_image_opts io = {0};
	cli_outputs outs = {0};
	const char *dbopt = NULL, *fail_on = NULL, *image = NULL;
	const char *ignores[64], *vexes[64];
	size_t nignores = 0, nvexes = 0;
	customs_match_opts mo = {.version = CUSTOMS_MATCH_OPTS_VERSION};
	customs_severity threshold = CUSTOMS_SEVERITY_UNKNOWN;
	int show_suppressed = 0, timings = getenv("CUSTOMS_TIMINGS") && *getenv("CUSTOMS_TIMINGS") &&
					   strcmp(getenv("CUSTOMS_TIMINGS"), "0");
	long max_db_age = 7;
	int opt, rc;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		if ((rc = cli_image_opt(&io, "scan", opt, optarg)) != 0) {
			if (rc < 0)
				return EXIT_USAGE;
			continue;
		}
		switch (opt) {
		case 'o':
			if ((rc = cli_output_add(&outs, "scan", optarg, scan_formats)) != 0)
				return rc;
			break;
		case OPT_DB:
			dbopt = optarg;
			break;
		case OPT_FAIL_ON:
			if (customs_severity_parse(&threshold, optarg) < 0)
				return cli_usage_error("scan", "--fail-on wants negligible, low, medium, high, critical or unknown, not '%s'",
						       optarg);
			fail_on = optarg;
			break;
		case OPT_ONLY_FIXED:
			mo.only_fixed = 1;
			break;
		case OPT_HIDE_STATUS:
			mo.hide_status = optarg;
			break;
		case OPT_IGNORE:
			if (nignores == sizeof(ignores) / sizeof(ignores[0]))
				return cli_usage_error("scan", "too many --ignore files");
			ignores[nignores++] = optarg;
			break;
		case OPT_VEX:
			if (nvexes == sizeof(vexes) / sizeof(vexes[0]))
				return cli_usage_error("scan", "too many --vex files");
			vexes[nvexes++] = optarg;
			break;
		case OPT_EXPLAIN:
			mo.explain_id = optarg;
			break;
		case OPT_SHOW_SUPPRESSED:
			show_suppressed = 1;
			break;
		case OPT_MAX_DB_AGE: {
			char *end;
			errno = 0;
			max_db_age = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || max_db_age < 0)
				return cli_usage_error("scan", "--max-db-age wants a number of days, not '%s'", optarg);
			break;
		}
		case OPT_CPE_FALLBACK:
			mo.cpe_fallback = 1;
			break;
		case OPT_TIMINGS:
			timings = 1;
			break;
		case '?':
		default:
			return cli_usage_error("scan", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if ((rc = cli_outputs_finish(&outs, "scan", "table")) != 0)
		return rc;
	if (optind + 1 != argc)
		return cli_usage_error("scan", optind >= argc ? "missing IMAGE" : "one IMAGE at a time");
	image = argv[optind];

	/* the database and the rules first: fail before reading the image */
	char *dbpath = NULL;
	customs_vulndb *db = NULL;
	customs_vulndb_info *info = NULL;
	customs_match_rules *rules = NULL;
	customs_analysis *a = NULL;
	customs_match_result *res = NULL;
	customs_vulndb *more[3];
	size_t nmore = 0;
	struct status_job job;
	pthread_t status_th;
	int status_started = 0;
	double t0 = now_ms(), t_db, t_an, t_match, t_out;

	memset(&job, 0, sizeof(job));

	if (dbopt)
		dbpath = strdup(dbopt);
	else if (customs_vulndb_default_path(&dbpath) < 0)
		return cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
	if (!dbpath)
		return cli_error(EXIT_FAILED, "scan", "out of memory");
	if (customs_vulndb_open(&db, dbpath, 1) < 0) {
		rc = cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
		goto done;
	}
	/* one more handle per extra core: the matcher spreads its lookups */
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	while (nmore < (size_t)(ncpu > 4 ? 4 : ncpu > 1 ? ncpu : 1) - 1 && customs_vulndb_open(&more[nmore], dbpath, 1) == 0)
		nmore++;
	mo.more_dbs = more;
	mo.nmore_dbs = nmore;
	if (nignores || nvexes) {
		if (customs_match_rules_new(&rules) < 0) {
			rc = cli_error(EXIT_FAILED, "scan", "%s", customs_error_last());
			goto done;
		}
		for (size_t i = 0; i < nignores; i++)
			if (customs_match_rules_add_ignore(rules, ignores[i]) < 0) {
				rc = cli_error(EXIT_FAILED, "scan", "--ignore %s", customs_error_last());
				goto done;
			}
		for (size_t i = 0; i < nvexes; i++)
			if (customs_match_rules_add_vex(rules, vexes[i]) < 0) {
				rc = cli_error(EXIT_FAILED, "scan", "--vex %s", customs_error_last());
				goto done;
			}
		mo.rules = rules;
	}
	t_db = now_ms();

	job.db = db;
	status_started = pthread_create(&status_th, NULL, status_run, &job) == 0;
	rc = cli_analyze(&a, "scan", image, &io);
	if (status_started)
		pthread_join(status_th, NULL);
	else
		status_run(&job);
	info = job.info;
	if (rc != 0)
		goto done;
	if (job.err < 0) {
		rc = cli_error(EXIT_FAILED, "scan", "%s", job.msg);
		goto done;
	}
	check_db_age(info, max_db_age, io.quiet);
	/* the packages a container has, in a stable order: matches and every
	 * report index them */
	customs_analysis_select_packages(a, 0);
	t_an = now_ms();
	if (customs_match_analysis(&res, db, a, &mo) < 0) {
		rc = cli_error(EXIT_FAILED, "scan", "matching: %s", customs_error_last());
		goto done;
	}
	t_match = now_ms();
	if (!io.quiet)
		for (size_t i = 0; i < res->nwarnings; i++)
			fprintf(stderr, "customs scan: warning: %s\n", res->warnings[i]);

	int failed = 0;
	for (size_t i = 0; fail_on && i < res->n; i++)
		if (customs_match_active(&res->matches[i]) && res->matches[i].severity >= threshold)
			failed = 1;

	if (mo.explain_id) {
		rc = explain(mo.explain_id, res, a, db, nignores + nvexes);
	} else {
		customs_sbom_write_opts wo = {.version = CUSTOMS_SBOM_WRITE_OPTS_VERSION, .matches = res};
		customs_sbom_writer *sw = NULL;
		rc = customs_sbom_writer_new(&sw, a, &wo) < 0 ? cli_error(EXIT_FAILED, "scan", "%s", customs_error_last()) : 0;
		for (size_t i = 0; i < outs.n && !rc; i++) {
			const cli_output *o = &outs.v[i];
			char *tmp;
			FILE *f = cli_output_open(o, "scan", &tmp);
			if (!f) {
				rc = EXIT_FAILED;
				break;
			}
			if (!strcmp(o->format, "json")) {
				rc = write_json(f, a, info, res, fail_on, failed);
			} else if (o->fmt != CUSTOMS_SBOM_UNKNOWN) {
				if (customs_sbom_writer_write(sw, f, o->fmt, 0) < 0)
					rc = cli_error(EXIT_FAILED, "scan", "%s: %s", o->format, customs_error_last());
			} else {
				print_table(f, res, show_suppressed);
				print_summary(f, res);
				if (!show_suppressed) {
					struct counts k;
					count(&k, res);
					if (k.suppressed || k.covered)
						fprintf(f, "(--show-suppressed lists the %zu suppressed and covered matches)\n",
							k.suppressed + k.covered);
				}
			}
			int crc = cli_output_close(f, o, "scan", tmp, rc == 0);
			rc = rc ? rc : crc;
		}
		customs_sbom_writer_free(sw);
	}
	t_out = now_ms();
	if (timings)
		fprintf(stderr,
			"customs scan: timings: database open %.1f ms, analysis %.1f ms (database status alongside), match "
			"%.1f ms (%zu packages, %zu matches, %zu threads), output %.1f ms, total %.1f ms\n",
			t_db - t0, t_an - t_db, t_match - t_an, res->packages, res->n, nmore + 1, t_out - t_match, t_out - t0);
	if (!rc && failed)
		rc = EXIT_FINDINGS;
	if (!rc)
		rc = cli_analysis_exit(a);
done:
	customs_match_result_free(res);
	customs_analysis_free(a);
	customs_match_rules_free(rules);
	customs_vulndb_info_free(info);
	for (size_t i = 0; i < nmore; i++)
		customs_vulndb_free(more[i]);
	customs_vulndb_free(db);
	free(dbpath);
	return rc;
}
