/* db.c - the vulnerability database for people and programs: its status
 * (feeds, counts, ages), one vulnerability with its affected entries (db
 * show), the entries of one package (db affected), each as a table and as
 * JSON; and what an import or an update did, as a table. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "customs/vuln.h"
#include "report/report.h"

/* ---- status ---- */

/* Seconds since the epoch of "YYYY-MM-DD[THH:MM:SS...]" or an HTTP date; -1. */
static time_t parse_time(const char *s)
{
	struct tm tm;
	const char *e;

	if (!s)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) || (e = strptime(s, "%Y-%m-%d", &tm)))
		return timegm(&tm);
	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%a, %d %b %Y %H:%M:%S", &tm))
		return timegm(&tm);
	return -1;
}

long long customs_report_feed_time(const customs_vulndb_source *x)
{
	time_t t = parse_time(x->newest);
	if (t < 0)
		t = parse_time(x->last_modified);
	if (t < 0)
		t = parse_time(x->imported_at);
	return (long long)t;
}

static time_t report_now(const customs_report *r)
{
	return r->created > 0 ? (time_t)r->created : time(NULL);
}

int report__db_status_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_vulndb_info *s = r->vulndb;
	time_t now = report_now(r);

	fprintf(f, "Database    %s (schema %d)\n", s->path, s->schema_version);
	fprintf(f, "Built       %s\n", s->built_at ? s->built_at : "never (empty)");
	fprintf(f, "Contents    %lld vulnerabilities, %lld affected entries, %lld alias links\n", (long long)s->vulns,
		(long long)s->affected, (long long)s->aliases);
	fprintf(f, "Enrichment  NVD %lld, EPSS %lld, KEV %lld CVEs\n\n", (long long)s->nvd, (long long)s->epss,
		(long long)s->kev);
	fprintf(f, "%-28s %-15s %9s %9s  %-20s %8s  %s\n", "FEED", "KIND", "RECORDS", "AFFECTED", "NEWEST", "AGE",
		"IMPORTED");
	for (size_t i = 0; i < s->nsources; i++) {
		const customs_vulndb_source *x = &s->sources[i];
		long long t = customs_report_feed_time(x);
		char age[32] = "?";
		if (t >= 0)
			snprintf(age, sizeof(age), "%.0fd", (double)(now - t) / 86400.0);
		fprintf(f, "%-28s %-15s %9lld %9lld  %-20.20s %8s  %s\n", x->name, x->kind, (long long)x->records,
			(long long)x->affected, x->newest ? x->newest : "-", age, x->imported_at ? x->imported_at : "-");
	}
	if (s->nnamespaces) {
		fprintf(f, "\n%-20s %9s %9s %9s\n", "NAMESPACE", "AFFECTED", "PACKAGES", "VULNS");
		for (size_t i = 0; i < s->nnamespaces; i++)
			fprintf(f, "%-20s %9lld %9lld %9lld\n", s->namespaces[i].ns, (long long)s->namespaces[i].affected,
				(long long)s->namespaces[i].packages, (long long)s->namespaces[i].vulns);
	}
	/* Packages indexes: what a deb that names no source package is looked up by */
	if (s->nbinary_maps) {
		fprintf(f, "\n%-20s %9s %9s %9s  %s\n", "BINARY->SOURCE", "PACKAGES", "VERSIONS", "SOURCES", "FEEDS");
		for (size_t i = 0; i < s->nbinary_maps; i++) {
			const customs_vulndb_binary_map *m = &s->binary_maps[i];
			fprintf(f, "%-20s %9lld %9lld %9lld  %s\n", m->ns, (long long)m->packages, (long long)m->versions,
				(long long)m->sources, m->feeds ? m->feeds : "-");
		}
	}
	return 0;
}

static json_t *jstr_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jscore(double d)
{
	return d >= 0 ? json_real(d) : json_null();
}

int report__db_status_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_vulndb_info *s = r->vulndb;
	time_t now = report_now(r);
	json_t *j = json_object(), *srcs = json_array(), *nss = json_array();
	int err;

	json_object_set_new(j, "path", json_string(s->path));
	json_object_set_new(j, "schema_version", json_integer(s->schema_version));
	json_object_set_new(j, "built_at", jstr_or_null(s->built_at));
	json_object_set_new(j, "vulnerabilities", json_integer(s->vulns));
	json_object_set_new(j, "affected", json_integer(s->affected));
	json_object_set_new(j, "alias_links", json_integer(s->aliases));
	json_object_set_new(j, "nvd", json_integer(s->nvd));
	json_object_set_new(j, "epss", json_integer(s->epss));
	json_object_set_new(j, "kev", json_integer(s->kev));
	for (size_t i = 0; i < s->nsources; i++) {
		const customs_vulndb_source *x = &s->sources[i];
		long long t = customs_report_feed_time(x);
		json_t *o = json_object();
		json_object_set_new(o, "name", jstr_or_null(x->name));
		json_object_set_new(o, "kind", jstr_or_null(x->kind));
		json_object_set_new(o, "url", jstr_or_null(x->url));
		json_object_set_new(o, "etag", jstr_or_null(x->etag));
		json_object_set_new(o, "last_modified", jstr_or_null(x->last_modified));
		json_object_set_new(o, "imported_at", jstr_or_null(x->imported_at));
		json_object_set_new(o, "records", json_integer(x->records));
		json_object_set_new(o, "affected", json_integer(x->affected));
		json_object_set_new(o, "newest", jstr_or_null(x->newest));
		json_object_set_new(o, "age_days", t >= 0 ? json_real((double)(now - t) / 86400.0) : json_null());
		json_array_append_new(srcs, o);
	}
	for (size_t i = 0; i < s->nnamespaces; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "namespace", json_string(s->namespaces[i].ns));
		json_object_set_new(o, "affected", json_integer(s->namespaces[i].affected));
		json_object_set_new(o, "packages", json_integer(s->namespaces[i].packages));
		json_object_set_new(o, "vulnerabilities", json_integer(s->namespaces[i].vulns));
		json_array_append_new(nss, o);
	}
	json_object_set_new(j, "sources", srcs);
	json_object_set_new(j, "namespaces", nss);
	json_t *maps = json_array();
	for (size_t i = 0; i < s->nbinary_maps; i++) {
		const customs_vulndb_binary_map *m = &s->binary_maps[i];
		json_t *o = json_object(), *feeds = json_array();
		json_object_set_new(o, "namespace", json_string(m->ns));
		json_object_set_new(o, "packages", json_integer(m->packages));
		json_object_set_new(o, "versions", json_integer(m->versions));
		json_object_set_new(o, "sources", json_integer(m->sources));
		for (const char *p = m->feeds; p && *p;) {
			size_t n = strcspn(p, ",");
			json_array_append_new(feeds, json_stringn(p, n));
			p += n + (p[n] == ',');
		}
		json_object_set_new(o, "feeds", feeds);
		json_array_append_new(maps, o);
	}
	json_object_set_new(j, "binary_maps", maps);
	err = report__dump(f, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return err;
}

/* ---- affected entries ---- */

static json_t *affected_json(const customs_vuln_affected *a)
{
	json_t *o = json_object(), *fixed = json_array();
	json_error_t je;
	json_object_set_new(o, "id", json_string(a->vuln_id));
	json_object_set_new(o, "feed", json_string(a->source));
	json_object_set_new(o, "namespace", json_string(a->ns));
	json_object_set_new(o, "package", json_string(a->package));
	json_object_set_new(o, "ecosystem", json_string(a->ecosystem));
	json_object_set_new(o, "scheme", json_string(a->scheme));
	json_object_set_new(o, "fix_state", json_string(customs_fix_state_name(a->fix_state)));
	for (size_t i = 0; i < a->nfixed; i++)
		json_array_append_new(fixed, json_string(a->fixed[i]));
	json_object_set_new(o, "fixed", fixed);
	json_object_set_new(o, "status", jstr_or_null(a->status));
	json_object_set_new(o, "urgency", jstr_or_null(a->urgency));
	json_object_set_new(o, "severity", jstr_or_null(a->severity));
	json_t *r = a->ranges_json ? json_loads(a->ranges_json, 0, &je) : NULL;
	json_object_set_new(o, "ranges", r ? r : json_array());
	json_object_set_new(o, "versions", json_integer((json_int_t)a->nversions));
	return o;
}

static int add_affected(void *ud, const customs_vuln_affected *a)
{
	return json_array_append_new(ud, affected_json(a)) < 0 ? -1 : 0;
}

/* one tab-separated line an entry */
static int affected_line(void *ud, const customs_vuln_affected *a)
{
	FILE *f = ud;
	fprintf(f, "%s\t%s\t%s\t%s\t", a->vuln_id, a->source, a->ns, customs_fix_state_name(a->fix_state));
	for (size_t i = 0; i < a->nfixed; i++)
		fprintf(f, "%s%s", i ? "," : "", a->fixed[i]);
	fprintf(f, "%s\t%s\t%s\t%s\n", a->nfixed ? "" : "-", a->status ? a->status : "-", a->urgency ? a->urgency : "-",
		a->ranges_json ? a->ranges_json : "-");
	return 0;
}

int report__db_affected_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	return customs_vulndb_affected(r->db, r->ns, r->package, affected_line, f);
}

int report__db_affected_json(FILE *f, const customs_report *r, const sbom_doc *d)
{
	json_t *arr = json_array();
	int err;
	if (!arr)
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	if ((err = customs_vulndb_affected(r->db, r->ns, r->package, add_affected, arr)) >= 0)
		err = report__dump(f, arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(arr);
	return err;
}

/* ---- one vulnerability ---- */

static const char *relation_name(customs_vuln_relation r)
{
	return r == CUSTOMS_VULN_SELF	   ? "self"
	       : r == CUSTOMS_VULN_ALIAS   ? "alias"
	       : r == CUSTOMS_VULN_RELATED ? "related"
					   : "upstream";
}

static json_t *enrichment_json(const customs_vuln_enrichment *e)
{
	json_t *o = json_object(), *cwes = json_array();
	json_object_set_new(o, "cve", json_string(e->cve));
	if (e->has_nvd) {
		json_object_set_new(o, "nvd_cvss3_score", jscore(e->nvd_cvss3_score));
		json_object_set_new(o, "nvd_cvss3_vector", jstr_or_null(e->nvd_cvss3_vector));
		json_object_set_new(o, "nvd_cvss4_score", jscore(e->nvd_cvss4_score));
		json_object_set_new(o, "nvd_cvss4_vector", jstr_or_null(e->nvd_cvss4_vector));
		for (size_t i = 0; i < e->nnvd_cwes; i++)
			json_array_append_new(cwes, json_string(e->nvd_cwes[i]));
		json_object_set_new(o, "nvd_published", jstr_or_null(e->nvd_published));
	}
	json_object_set_new(o, "nvd_cwes", cwes);
	if (e->has_epss) {
		json_object_set_new(o, "epss", jscore(e->epss_score));
		json_object_set_new(o, "epss_percentile", jscore(e->epss_percentile));
		json_object_set_new(o, "epss_date", jstr_or_null(e->epss_date));
	}
	json_object_set_new(o, "kev", json_boolean(e->kev));
	if (e->kev) {
		json_object_set_new(o, "kev_date_added", jstr_or_null(e->kev_date_added));
		json_object_set_new(o, "kev_due_date", jstr_or_null(e->kev_due_date));
		json_object_set_new(o, "kev_ransomware", jstr_or_null(e->kev_ransomware));
	}
	return o;
}

int report__db_vuln_json(FILE *f, const customs_report *rep, const sbom_doc *d)
{
	const customs_vuln_record *r = rep->vuln;
	json_t *o = json_object(), *group = json_array(), *enr = json_array(), *aff = json_array(), *cwes = json_array();
	int err;
	json_object_set_new(o, "id", json_string(r->id));
	json_object_set_new(o, "feed", jstr_or_null(r->source));
	json_object_set_new(o, "summary", jstr_or_null(r->summary));
	json_object_set_new(o, "details", jstr_or_null(r->details));
	json_object_set_new(o, "published", jstr_or_null(r->published));
	json_object_set_new(o, "modified", jstr_or_null(r->modified));
	json_object_set_new(o, "severity", jstr_or_null(r->severity));
	json_object_set_new(o, "cvss3_score", jscore(r->cvss3_score));
	json_object_set_new(o, "cvss3_vector", jstr_or_null(r->cvss3_vector));
	json_object_set_new(o, "cvss4_score", jscore(r->cvss4_score));
	json_object_set_new(o, "cvss4_vector", jstr_or_null(r->cvss4_vector));
	for (size_t i = 0; i < r->ncwes; i++)
		json_array_append_new(cwes, json_string(r->cwes[i]));
	json_object_set_new(o, "cwes", cwes);
	json_object_set_new(o, "references", json_integer(r->nreferences));
	for (size_t i = 0; i < r->ngroup; i++) {
		json_t *g = json_object();
		json_object_set_new(g, "id", json_string(r->group[i].id));
		json_object_set_new(g, "relation", json_string(relation_name(r->group[i].relation)));
		json_array_append_new(group, g);
	}
	json_object_set_new(o, "group", group);
	for (size_t i = 0; i < r->nenrichment; i++)
		json_array_append_new(enr, enrichment_json(&r->enrichment[i]));
	json_object_set_new(o, "enrichment", enr);
	if ((err = customs_vulndb_affected_by_id(rep->db, r->id, add_affected, aff)) >= 0) {
		json_object_set_new(o, "affected", aff);
		aff = NULL;
		err = report__dump(f, o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	}
	json_decref(aff);
	json_decref(o);
	return err;
}

int report__db_vuln_table(FILE *f, const customs_report *rep, const sbom_doc *d)
{
	const customs_vuln_record *r = rep->vuln;
	fprintf(f, "%s  (%s)\n", r->id, r->source ? r->source : "no feed text; enrichment only");
	if (r->summary)
		fprintf(f, "Summary     %s\n", r->summary);
	if (r->published)
		fprintf(f, "Published   %s\n", r->published);
	if (r->modified)
		fprintf(f, "Modified    %s\n", r->modified);
	if (r->severity)
		fprintf(f, "Severity    %s\n", r->severity);
	if (r->cvss3_vector)
		fprintf(f, "CVSS v3     %.1f %s\n", r->cvss3_score, r->cvss3_vector);
	if (r->cvss4_vector)
		fprintf(f, "CVSS v4     %s\n", r->cvss4_vector);
	for (size_t i = 1; i < r->ngroup; i++)
		fprintf(f, "%-11s %s\n", relation_name(r->group[i].relation), r->group[i].id);
	for (size_t i = 0; i < r->nenrichment; i++) {
		const customs_vuln_enrichment *e = &r->enrichment[i];
		fprintf(f, "%-11s", e->cve);
		if (e->has_nvd && e->nvd_cvss3_score >= 0)
			fprintf(f, " NVD %.1f", e->nvd_cvss3_score);
		if (e->has_epss)
			fprintf(f, " EPSS %.5f (%.0f%%)", e->epss_score, e->epss_percentile * 100);
		if (e->kev)
			fprintf(f, " KEV since %s", e->kev_date_added ? e->kev_date_added : "?");
		fprintf(f, "\n");
	}
	return customs_vulndb_affected_by_id(rep->db, r->id, affected_line, f);
}

/* ---- import and update ---- */

static void import_table(FILE *f, const customs_vulndb_import_summary *s, const char *path)
{
	fprintf(f, "%-28s %-15s %9s %9s  %s\n", "FEED", "KIND", "RECORDS", "AFFECTED", "NOTES");
	for (size_t i = 0; i < s->nsources; i++) {
		const customs_vulndb_import_source *x = &s->sources[i];
		const struct {
			int64_t n;
			const char *label;
		} skipped[] = {
			{x->withdrawn, "withdrawn"},       {x->empty_package, "without package"},
			{x->git_ranges, "GIT ranges"},     {x->unknown_ecosystem, "other ecosystems"},
			{x->malformed, "malformed"},       {x->bad_versions, "bad versions"},
			{x->duplicates, "duplicates"},     {x->not_affected, "not-affected markers"},
		};
		char notes[256] = "";
		size_t o = 0;
		for (size_t k = 0; k < sizeof(skipped) / sizeof(skipped[0]); k++)
			if (skipped[k].n && o < sizeof(notes))
				o += (size_t)snprintf(notes + o, sizeof(notes) - o, "%s%lld %s", o ? ", " : "",
						      (long long)skipped[k].n, skipped[k].label);
		fprintf(f, "%-28s %-15s %9lld %9lld  %s\n", x->name, x->kind, (long long)x->records, (long long)x->affected,
			o ? notes : "-");
	}
	fprintf(f, "%zu feed%s imported into %s in %.1f s\n", s->nsources, s->nsources == 1 ? "" : "s", path, s->seconds);
	/* the warnings themselves are many (a bad version per record): where they are */
	if (s->warnings)
		fprintf(f, "%lld warning%s: see --verbose%s%s\n", (long long)s->warnings, s->warnings == 1 ? "" : "s",
			s->log_path ? ", or " : "", s->log_path ? s->log_path : "");
}

int report__db_import_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	import_table(f, r->import, r->db_path);
	return 0;
}

int report__db_update_table(FILE *f, const customs_report *r, const sbom_doc *d)
{
	const customs_vulndb_update_summary *s = r->update;
	if (s->import)
		import_table(f, s->import, r->db_path);
	fprintf(f, "%zu feed%s downloaded, %zu not modified, %zu failed\n", s->fetched, s->fetched == 1 ? "" : "s",
		s->not_modified, s->failed);
	return 0;
}
